using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Pipeline.Daemon;

namespace StockData.UnitTests.Daemon;

public sealed class DaemonOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new DaemonOptions();

        Assert.Equal("StockData:Daemon", DaemonOptions.SectionName);
        Assert.True(options.Enabled);
        Assert.Null(options.ReplicaId);
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", options.EffectiveReplicaId);
        Assert.Equal(TimeSpan.FromSeconds(60), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(20), options.RenewInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.PollInterval);
        Assert.Equal(8, options.ClaimBatchSize);
        Assert.Equal(24, options.MaxLeases);
        Assert.Equal(TimeSpan.FromMinutes(30), options.DailyRefreshDelay);
        Assert.Equal(TimeSpan.FromHours(1), options.DailyFallbackTime);
        Assert.Equal(TimeSpan.FromMinutes(15), options.IntradayRefreshInterval);
        Assert.Equal(TimeSpan.FromDays(7), options.NotFoundRetry);
        Assert.Equal(TimeSpan.FromMinutes(5), options.FailureBackoffBase);
        Assert.Equal(TimeSpan.FromHours(6), options.FailureBackoffMax);
        Assert.Equal(3, options.JobItemMaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(15), options.StoreMetricsInterval);
        Assert.Equal(TimeSpan.FromHours(2), options.OverdueAfter);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RestartDelay);
    }

    [Fact]
    public void Validate_Defaults_Pass() => Assert.True(Resolve([]).Enabled);

    [Fact]
    public void Validate_BadValues_ReportsEveryFailureNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["StockData:Daemon:ReplicaId"] = "a replica; DROP",
            ["StockData:Daemon:LeaseDuration"] = "00:00:00",
            ["StockData:Daemon:ClaimBatchSize"] = "50",
            ["StockData:Daemon:MaxLeases"] = "10",
            ["StockData:Daemon:FailureBackoffBase"] = "01:00:00",
            ["StockData:Daemon:FailureBackoffMax"] = "00:10:00",
        }));

        Assert.Contains(ex.Failures, f => f.Contains("ReplicaId", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("LeaseDuration", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("StockData:Daemon:ClaimBatchSize (50) must not exceed StockData:Daemon:MaxLeases (10)",
            StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("StockData:Daemon:FailureBackoffMax", StringComparison.Ordinal));
    }

    private static DaemonOptions Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<DaemonOptions>().Bind(configuration.GetSection(DaemonOptions.SectionName));
        services.AddSingleton<IValidateOptions<DaemonOptions>, DaemonOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<DaemonOptions>, DaemonOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DaemonOptions>>().Value;
    }
}
