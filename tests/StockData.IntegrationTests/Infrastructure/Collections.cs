namespace StockData.IntegrationTests.Infrastructure;

/// <summary>Tests that start processes or servers, or measure rates: one collection, never in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
