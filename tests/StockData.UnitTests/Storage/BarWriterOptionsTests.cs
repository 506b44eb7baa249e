using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Storage;

namespace StockData.UnitTests.Storage;

public sealed class BarWriterOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new BarWriterOptions();
        Assert.Equal(5000, options.BatchSize);
        Assert.Equal(5, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryMaxDelay);
        Assert.True(options.FastPath);
        Assert.Equal(TimeSpan.FromMinutes(10), options.FetchOrderTimeout);
    }

    [Fact]
    public void Validate_BadValues_ReportsEveryFailureWithTheSettingName()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:Writer:BatchSize"] = "0",
            ["StockData:Writer:MaxRetries"] = "-1",
            ["StockData:Writer:RetryBaseDelay"] = "00:00:05",
            ["StockData:Writer:RetryMaxDelay"] = "00:00:01",
        }));
        Assert.Contains(ex.Failures, f => f.Contains("BatchSize", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxRetries", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("StockData__Writer__RetryMaxDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Good_Binds()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["StockData:Writer:BatchSize"] = "20000",
            ["StockData:Writer:FastPath"] = "false",
            ["StockData:Writer:RetryBaseDelay"] = "00:00:00.050",
        });
        Assert.Equal(20000, options.BatchSize);
        Assert.False(options.FastPath);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.RetryBaseDelay);
    }

    private static BarWriterOptions Resolve(Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddStockDataStorage(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<BarWriterOptions>>().Value;
    }
}
