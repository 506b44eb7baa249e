using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Upstream.Caching;
using StockData.Upstream.Fetching;
using StockData.Storage.Postgres;
using StockData.Upstream.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace StockData.Upstream;

/// <summary>Registers the response cache (FusionCache, L2 on Redis when configured) and the metadata LRUs.</summary>
public static class CacheServiceCollectionExtensions
{
    /// <summary>The FusionCache instance name (logs, metrics); also part of nothing stored, the key prefix is an option.</summary>
    public const string CacheName = "stockdata-chart";

    public static IHostApplicationBuilder AddStockDataCaching(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ResponseCacheOptions>().Bind(builder.Configuration.GetSection(ResponseCacheOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ResponseCacheOptions>, ResponseCacheOptionsValidator>();
        services.AddSingleton<IFusionCache>(CreateFusionCache);
        services.AddSingleton<ChartResponseCache>();
        services.AddSingleton<SymbolMetadataReader>();
        services.AddSingleton<SymbolMetadataCache>();
        return builder;
    }

    private static FusionCache CreateFusionCache(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ResponseCacheOptions>>().Value;
        var fetch = services.GetRequiredService<IOptions<FetchOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var redis = services.GetRequiredService<RedisConnectionProvider>();
        var fusionOptions = new FusionCacheOptions
        {
            CacheName = CacheName,
            DistributedCacheCircuitBreakerDuration = options.DistributedCircuitBreakerDuration,
            // The upstream's failures are the pipeline's to log (once per fetch); FusionCache would log each again.
            FactoryErrorsLogLevel = LogLevel.Debug,
            FailSafeActivationLogLevel = LogLevel.Information,
            DistributedCacheErrorsLogLevel = LogLevel.Warning,
            ReThrowOriginalExceptions = true,
            // Keys are prefixed by the L2 store and the locker (StockData:Cache:KeyPrefix); L1 is this cache's own.
            MissingCacheKeyPrefixWarningLogLevel = LogLevel.Debug,
            DefaultEntryOptions = new FusionCacheEntryOptions
            {
                Duration = options.Duration,
                IsFailSafeEnabled = options.FailSafeMaxDuration > TimeSpan.Zero,
                FailSafeMaxDuration = options.Duration + options.FailSafeMaxDuration,
                FailSafeThrottleDuration = options.FailSafeThrottleDuration,
                // An entry counts 1 against MemoryEntries until its body is known; the factory then sets one unit per
                // started 16 KiB of compressed body (ChartResponseCache.SizeUnits), so the L1 bound is also one in bytes.
                Size = 1,
                DistributedCacheSoftTimeout = options.DistributedTimeout,
                DistributedCacheHardTimeout = options.DistributedTimeout,
                // Awaited, not in the background: a short-lived verb (yahoo fetch) exits right after its fetch, and its
                // entry must be in Redis for the next process.
                AllowBackgroundDistributedCacheOperations = false,
            },
        };
        var memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.MemoryEntries });
        var cache = new FusionCache(fusionOptions, memory, services.GetRequiredService<ILogger<FusionCache>>());
        if (redis.IsConfigured)
        {
            cache.SetupDistributedCache(new RedisResponseStore(redis, options.KeyPrefix, time), new FusionCacheSystemTextJsonSerializer(
                new JsonSerializerOptions { IncludeFields = true, TypeInfoResolver = ChartCacheJsonContext.Default }));
            if (options.DistributedLocking)
            {
                // The lock outlives the longest fetch it guards (the total timeout), so it never expires under a live holder.
                cache.SetupDistributedLocker(new RedisCacheLocker(redis, options.KeyPrefix, fetch.TotalTimeout + TimeSpan.FromSeconds(5),
                    options.DistributedTimeout, options.DistributedCircuitBreakerDuration, time));
            }
        }

        return cache;
    }
}
