using System.Diagnostics;
using System.Threading.RateLimiting;
using StackExchange.Redis;
using StockData.IntegrationTests.Infrastructure;
using StockData.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Redis;

/// <summary>
/// The limiter when Redis goes away or forgets its scripts. Each test starts a private Redis
/// (scripts/services.sh) and stops or flushes only that one, never the server the other tests share.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RedisRateLimiterOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ScriptCacheFlushed_BetweenAcquisitions_IsRecoveredTransparently()
    {
        await using var server = await PrivateServer.StartRedisAsync();
        await using var multiplexer = await RateLimiters.ConnectAsync(server.ConnectionString);
        // The whole burst ready at once: the non-blocking AttemptAcquire below must find a permit free however quickly it
        // follows the acquisitions (with one instant permit it depended on 3 ms having passed, and failed once).
        var options = PrivateOptions(rate: 1000, burst: 1000);
        options.InstantBurst = options.Burst;
        using var limiter = RateLimiters.Create(multiplexer, options);
        var admin = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);

        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired); // by SHA now
        var before = await NoScriptErrorsAsync(admin);
        await admin.ScriptFlushAsync();

        using var lease = await limiter.AcquireAsync(1, Ct);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        await limiter.Cooldown.ReportThrottledAsync(TimeSpan.FromMilliseconds(1), Ct); // the other script, after a flush too

        Assert.True(lease.IsAcquired);
        Assert.True(await NoScriptErrorsAsync(admin) > before, "the EVALSHA after the flush should have met NOSCRIPT");
        Assert.False(limiter.IsFallbackActive);
        Assert.Equal(0, limiter.FallbackCount);
    }

    [Fact]
    public async Task RedisStoppedMidRun_GoesOnAtTheFallbackRate_LogsOnce_ThenReturnsToTheSharedBucket()
    {
        await using var server = await PrivateServer.StartRedisAsync();
        await using var multiplexer = await RateLimiters.ConnectAsync(server.ConnectionString);
        var logger = new ListLogger();
        var options = PrivateOptions(rate: 20, burst: 2);
        options.Replicas = 4; // fallback: 5/s, burst 1
        using var limiter = RateLimiters.Create(multiplexer, options, logger: logger);
        var bucket = limiter.Cooldown.Backend.Keys.Bucket;

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        }

        Assert.True(await multiplexer.GetDatabase().KeyExistsAsync(bucket));

        await server.StopAsync();

        // Down: every acquisition still succeeds, without an exception, at this replica's share of the rate.
        var started = Stopwatch.GetTimestamp();
        var granted = 0;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2))
        {
            using var lease = await limiter.AcquireAsync(1, Ct);
            Assert.True(lease.IsAcquired);
            granted++;
        }

        var fallbackSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Assert.True(limiter.IsFallbackActive);
        Assert.Equal(1, limiter.FallbackCount);
        Assert.True(granted <= 5 * fallbackSeconds + 1 + 1, $"{granted} grants in {fallbackSeconds:0.00} s at the 5/s fallback");
        Assert.True(granted >= 2, $"only {granted} grants in {fallbackSeconds:0.00} s");

        await server.StartAgainAsync();

        // Back: a probe (at most one per ProbeInterval) finds Redis and the limiter shares the bucket again by itself.
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (limiter.IsFallbackActive)
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "the limiter never returned to Redis");
            using var lease = await limiter.AcquireAsync(1, Ct);
            Assert.True(lease.IsAcquired);
        }

        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        Assert.True(await multiplexer.GetDatabase().KeyExistsAsync(bucket), "the restarted (empty) Redis should hold the bucket again");
        Assert.Equal(1, logger.Count(1100));
        Assert.Equal(1, logger.Count(1101));
    }

    [Fact]
    public async Task RedisDown_CooldownIsKeptInProcess_AndStillPausesTheLimiter()
    {
        await using var server = await PrivateServer.StartRedisAsync();
        await using var multiplexer = await RateLimiters.ConnectAsync(server.ConnectionString);
        var options = PrivateOptions(rate: 100, burst: 10);
        options.DefaultCooldown = TimeSpan.FromMilliseconds(400);
        options.MaxWait = TimeSpan.FromMilliseconds(200);
        using var limiter = RateLimiters.Create(multiplexer, options);
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        await server.StopAsync();

        var pause = await limiter.Cooldown.ReportThrottledAsync(null, Ct);
        var remaining = await limiter.Cooldown.GetRemainingAsync(Ct);
        using var refused = await limiter.AcquireAsync(1, Ct);
        var second = await limiter.Cooldown.ReportThrottledAsync(null, Ct);

        Assert.True(limiter.Cooldown.IsFallbackActive);
        Assert.Equal(TimeSpan.FromMilliseconds(400), pause);
        Assert.NotNull(remaining);
        Assert.InRange(remaining.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(400));
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(RedisRateLimitLease.CooldownReason, reason);
        Assert.True(second <= pause, "a 429 during the pause is the same episode");
    }

    [Fact]
    public async Task RedisDown_PauseMode_RefusesUntilTheNextProbe_ThenSharesAgain()
    {
        await using var server = await PrivateServer.StartRedisAsync();
        await using var multiplexer = await RateLimiters.ConnectAsync(server.ConnectionString);
        var options = PrivateOptions(rate: 50, burst: 5);
        options.Fallback = RateLimitFallbackMode.Pause;
        options.ProbeInterval = TimeSpan.FromMilliseconds(300);
        using var limiter = RateLimiters.Create(multiplexer, options);
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        await server.StopAsync();

        using var paused = await limiter.AcquireAsync(1, Ct);

        Assert.False(paused.IsAcquired);
        Assert.True(paused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300));
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);
        Assert.True(limiter.IsFallbackActive);

        await server.StartAgainAsync();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        RateLimitLease lease;
        while (!(lease = await limiter.AcquireAsync(1, Ct)).IsAcquired)
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "still paused a minute after Redis came back");
            lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
            await Task.Delay(wait, Ct); // as Polly's retry would
        }

        Assert.False(limiter.IsFallbackActive);
    }

    private static RateLimitOptions PrivateOptions(double rate, int burst) => new()
    {
        Upstream = "yahoo",
        PermitsPerSecond = rate,
        Burst = burst,
        ProbeInterval = TimeSpan.FromMilliseconds(200),
        RedisTimeout = TimeSpan.FromSeconds(1),
        ColdStartRamp = TimeSpan.Zero, // these tests are about outages, not the cold-start spacing
    };

    private static async Task<long> NoScriptErrorsAsync(IServer server)
    {
        var info = (string?)await server.ExecuteAsync("INFO", "errorstats") ?? "";
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("errorstat_NOSCRIPT:count=", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Trim()["errorstat_NOSCRIPT:count=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
