using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Storage;

namespace StockData.UnitTests.Storage;

public sealed class RetentionOptionsTests
{
    [Fact]
    public void Defaults_KeepForever_TwoMonthsEitherSide_HourlyMaintenance()
    {
        var options = Resolve([]);
        Assert.Empty(options.Intervals);
        Assert.Empty(options.Keep());
        Assert.Equal(2, options.PartitionMonthsAhead);
        Assert.Equal(2, options.PartitionMonthsBehind);
        Assert.Equal(TimeSpan.FromHours(1), options.MaintenanceInterval);
    }

    [Fact]
    public void Bind_DaysAndWeeks_PerIntradayInterval()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["StockData:Retention:Intervals:1m"] = "90d",
            ["StockData:Retention:Intervals:1h"] = "104w",
        });

        Assert.Equal(new Dictionary<string, TimeSpan> { ["1m"] = TimeSpan.FromDays(90), ["1h"] = TimeSpan.FromDays(728) }, options.Keep());
    }

    [Theory]
    [InlineData("1m", "90", "'90' is not a duration")]
    [InlineData("1m", "0d", "'0d' is not a duration")]
    [InlineData("1m", "3mo", "'3mo' is not a duration")]
    [InlineData("1m", "-5d", "'-5d' is not a duration")]
    [InlineData("7m", "90d", "'7m' is not a bar interval")]
    [InlineData("1d", "90d", "'1d' bars are kept forever")]
    public void Validate_BadEntry_NamesTheKeyAndTheFix(string interval, string duration, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            [$"StockData:Retention:Intervals:{interval}"] = duration,
        }));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains($"StockData:Retention:Intervals:{interval}", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PartitionWindowOutOfRange_NamesTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:Retention:PartitionMonthsAhead"] = "0",
        }));

        Assert.Contains(ex.Failures, f => f.Contains("PartitionMonthsAhead", StringComparison.Ordinal));
    }

    private static RetentionOptions Resolve(Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddStockDataStorage(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<RetentionOptions>>().Value;
    }
}
