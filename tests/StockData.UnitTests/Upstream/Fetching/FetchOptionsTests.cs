using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Upstream.Caching;
using StockData.Upstream.Fetching;

namespace StockData.UnitTests.Upstream.Fetching;

/// <summary>Defaults and validation of the fetch (retry, breaker) and cache options.</summary>
public sealed class FetchOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var fetch = new FetchOptions();
        var cache = new ResponseCacheOptions();

        Assert.Equal("StockData:Fetch", FetchOptions.SectionName);
        Assert.Equal(4, fetch.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), fetch.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), fetch.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), fetch.TotalTimeout);
        Assert.Equal(0.5, fetch.CircuitBreaker.FailureRatio);
        Assert.Equal(10, fetch.CircuitBreaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), fetch.CircuitBreaker.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), fetch.CircuitBreaker.BreakDuration);

        Assert.Equal("StockData:Cache", ResponseCacheOptions.SectionName);
        Assert.True(cache.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(2), cache.Duration);
        Assert.Equal(TimeSpan.FromMinutes(30), cache.FailSafeMaxDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), cache.FailSafeThrottleDuration);
        Assert.Equal(2_000, cache.MemoryEntries);
        Assert.Equal(8 * 1024 * 1024, cache.MaxBodyBytes);
        Assert.Equal("stockdata:cache:", cache.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(1), cache.DistributedTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), cache.DistributedCircuitBreakerDuration);
        Assert.True(cache.DistributedLocking);
        Assert.Equal(10_000, cache.MetadataCapacity);
    }

    [Fact]
    public void Validate_BadBreakerAndRetrySettings_ReportsEveryOneAtOnce()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<FetchOptions>(new Dictionary<string, string?>
        {
            ["StockData:Fetch:CircuitBreaker:FailureRatio"] = "0",
            ["StockData:Fetch:CircuitBreaker:MinimumThroughput"] = "1",
            ["StockData:Fetch:CircuitBreaker:SamplingDuration"] = "00:00:00.100",
            ["StockData:Fetch:CircuitBreaker:BreakDuration"] = "02:00:00",
            ["StockData:Fetch:RetryBaseDelay"] = "00:02:00",
            ["StockData:Fetch:RetryMaxDelay"] = "00:01:00",
        }));

        foreach (var setting in new[] { "FailureRatio", "MinimumThroughput", "SamplingDuration", "BreakDuration", "RetryBaseDelay" })
        {
            Assert.Contains(ex.Failures, f => f.Contains(setting, StringComparison.Ordinal));
        }

        Assert.Contains(ex.Failures, f => f.Contains("StockData:Fetch:RetryMaxDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CacheDurationOutsideOneToFiveMinutes_Rejected()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<ResponseCacheOptions>(new Dictionary<string, string?>
        {
            ["StockData:Cache:Duration"] = "00:10:00",
            ["StockData:Cache:MetadataCapacity"] = "0",
            ["StockData:Cache:KeyPrefix"] = "has space",
        }));

        foreach (var setting in new[] { "Duration", "MetadataCapacity", "KeyPrefix" })
        {
            Assert.Contains(ex.Failures, f => f.Contains(setting, StringComparison.Ordinal));
        }
    }

    private static T Resolve<T>(Dictionary<string, string?> values)
        where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<FetchOptions>().Bind(configuration.GetSection(FetchOptions.SectionName));
        services.AddSingleton<IValidateOptions<FetchOptions>, FetchOptionsValidator>();
        services.AddSingleton<IValidateOptions<FetchOptions>, FetchOptionsCrossValidator>();
        services.AddOptions<ResponseCacheOptions>().Bind(configuration.GetSection(ResponseCacheOptions.SectionName));
        services.AddSingleton<IValidateOptions<ResponseCacheOptions>, ResponseCacheOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
