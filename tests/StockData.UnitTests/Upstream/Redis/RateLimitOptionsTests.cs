using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Storage;
using StockData.Upstream.Redis;
using StockData.Upstream;

namespace StockData.UnitTests.Upstream.Redis;

public sealed class RateLimitOptionsTests
{
    [Fact]
    public void Defaults_ArePinned_AndSafeForRealYahoo()
    {
        var options = new RateLimitOptions();
        Assert.Equal("StockData:RateLimit", RateLimitOptions.SectionName);
        Assert.Equal("yahoo", options.Upstream);
        Assert.Null(options.EgressId);
        Assert.Equal("stockdata:rl:", options.KeyPrefix);
        Assert.Equal(1.0, options.PermitsPerSecond);
        Assert.Equal(2, options.Burst);
        Assert.Equal(1, options.InstantBurst);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxWait);
        Assert.Equal(1, options.Replicas);
        Assert.Equal(RateLimitFallbackMode.Local, options.Fallback);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RedisTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DefaultCooldown);
        Assert.Equal(TimeSpan.FromMinutes(15), options.MaxCooldown);
    }

    [Fact]
    public void Validate_BadValues_ReportsEverySettingAtOnce()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:RateLimit:PermitsPerSecond"] = "0",
            ["StockData:RateLimit:Burst"] = "0",
            ["StockData:RateLimit:Replicas"] = "0",
            ["StockData:RateLimit:Upstream"] = "ya hoo",
            ["StockData:RateLimit:EgressId"] = "{1.2.3.4}",
            ["StockData:RateLimit:KeyPrefix"] = "a{b}",
            ["StockData:RateLimit:MaxWait"] = "02:00:00",
        }));

        foreach (var setting in new[] { "PermitsPerSecond", "Burst", "Replicas", "Upstream", "EgressId", "KeyPrefix", "MaxWait" })
        {
            Assert.Contains(ex.Failures, f => f.Contains(setting, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_InstantBurstAboveTheBurst_NamesBothSettings()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:RateLimit:Burst"] = "2",
            ["StockData:RateLimit:InstantBurst"] = "3",
        }));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("StockData:RateLimit:InstantBurst (3)", failure, StringComparison.Ordinal);
        Assert.Contains("StockData:RateLimit:Burst (2)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CapBelowTheDefaultCooldown_NamesBothSettings()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:RateLimit:DefaultCooldown"] = "00:01:00",
            ["StockData:RateLimit:MaxCooldown"] = "00:00:30",
        }));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("StockData:RateLimit:MaxCooldown", failure, StringComparison.Ordinal);
        Assert.Contains("StockData:RateLimit:DefaultCooldown", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UnknownFallbackMode_NamesTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:RateLimit:Fallback"] = "Sideways",
        }));

        Assert.Contains("StockData:RateLimit:Fallback", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compose_WithoutRedis_OneLimiter_AlsoAsRateLimiter_InProcessOnly()
    {
        await using var services = Services(new Dictionary<string, string?>
        {
            ["StockData:RateLimit:PermitsPerSecond"] = "40",
            ["StockData:RateLimit:Burst"] = "10",
            ["StockData:RateLimit:EgressId"] = "egress-1",
            ["StockData:RateLimit:Fallback"] = "Pause",
        });

        var limiter = services.GetRequiredService<RedisTokenBucketRateLimiter>();
        var options = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;

        Assert.Same(limiter, services.GetRequiredService<RateLimiter>());
        Assert.Same(limiter.Cooldown, services.GetRequiredService<RedisCooldownStore>());
        Assert.False(limiter.IsShared);
        Assert.False(limiter.IsFallbackActive);
        Assert.Equal(40, options.PermitsPerSecond);
        Assert.Equal(RateLimitFallbackMode.Pause, options.Fallback);
        Assert.Equal("yahoo@egress-1", limiter.Cooldown.Backend.Keys.Scope);

        // Not configured is not an outage: the in-process bucket grants even in Pause mode.
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
    }

    // Resolving options creates nothing to dispose.
    private static RateLimitOptions Resolve(Dictionary<string, string?> settings) =>
        Services(settings).GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddStockDataStorage(configuration)
            .AddStockDataRateLimiting(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
