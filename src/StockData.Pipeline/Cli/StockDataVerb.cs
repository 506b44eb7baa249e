using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StockData.Hosting;
using StockData.Pipeline.Maintenance;
using StockData.Pipeline.Quality;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <see cref="VerbRunner"/> for <c>stockdata</c>'s verbs: every host they build also has data quality (its options are
/// validated by every verb, since the quality verbs and the daemon's scan read them), which the shared composition
/// lacks because the benchmark executable has no use for it.
/// </summary>
internal static class StockDataVerb
{
    public static Task<int> RunAsync(Func<IHost, CancellationToken, Task<int>> body, CancellationToken cancellationToken,
        Action<HostApplicationBuilder>? configure = null, bool requireDatabase = true) =>
        VerbRunner.RunAsync(body, cancellationToken, builder =>
        {
            builder.AddStockDataQuality();
            builder.Services.AddStockDataPartitionMaintenance();
            configure?.Invoke(builder);
        }, requireDatabase);

    /// <summary>
    /// For verbs that open no database (<c>yahoo fetch</c>, <c>yahoo doctor</c>): the storage options are still
    /// validated as a whole (they also hold Redis), so a missing PostgreSQL connection string gets a placeholder;
    /// <paramref name="overrides"/> go over the configuration.
    /// </summary>
    public static Task<int> RunWithoutDatabaseAsync(Func<IHost, CancellationToken, Task<int>> body, CancellationToken cancellationToken,
        Dictionary<string, string?> overrides) =>
        RunAsync(body, cancellationToken, builder =>
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres")))
            {
                overrides["ConnectionStrings:Postgres"] = "Host=127.0.0.1";
            }

            builder.Configuration.AddInMemoryCollection(overrides);
        }, requireDatabase: false);
}
