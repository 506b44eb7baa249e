using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StockData.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Redis;

/// <summary>Builds limiters the way the composition does, on a test's own Redis connection and keys.</summary>
internal static class RateLimiters
{
    /// <summary>Options on the fixture's key prefix with an upstream name of the test's own, so tests never share a bucket.</summary>
    /// <param name="instant">The instant burst; default the whole burst, which the tests of burst semantics assert.</param>
    /// <param name="ramp">The cold-start ramp; default none, so the tests of spacing and burst see the bare bucket.</param>
    public static RateLimitOptions Options(RedisFixture redis, double rate = 10, int burst = 2, TimeSpan? maxWait = null, int? instant = null,
        TimeSpan? ramp = null) => new()
    {
        KeyPrefix = redis.KeyPrefix,
        Upstream = "u" + Guid.NewGuid().ToString("N")[..10],
        PermitsPerSecond = rate,
        Burst = burst,
        InstantBurst = instant ?? burst,
        ColdStartRamp = ramp ?? TimeSpan.Zero,
        MaxWait = maxWait ?? TimeSpan.FromSeconds(30),
        RedisTimeout = TimeSpan.FromSeconds(5),
    };

    public static RedisTokenBucketRateLimiter Create(IConnectionMultiplexer? multiplexer, RateLimitOptions options,
        TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        var backend = new RedisRateLimitBackend(
            multiplexer is null ? null : _ => ValueTask.FromResult(multiplexer),
            options,
            timeProvider ?? TimeProvider.System,
            logger ?? NullLogger.Instance);
        return new RedisTokenBucketRateLimiter(new RedisCooldownStore(backend));
    }

    /// <summary>A multiplexer of the test's own (a second "replica"), reconnecting quickly after a server restart.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        var config = ConfigurationOptions.Parse(connectionString);
        config.AbortOnConnectFail = false;
        config.AllowAdmin = true;
        config.ConnectTimeout = 2000;
        config.ReconnectRetryPolicy = new LinearRetry(250);
        return await ConnectionMultiplexer.ConnectAsync(config);
    }
}
