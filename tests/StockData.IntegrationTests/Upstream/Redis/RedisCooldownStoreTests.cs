using System.Diagnostics;
using System.Threading.RateLimiting;
using StockData.IntegrationTests.Infrastructure;
using StockData.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Redis;

/// <summary>The shared 429 cooldown over Redis: set, extend-only, doubling, cap, reset, every replica.</summary>
[Collection(ProcessCollection.Name)] // asserts wall-clock delays: no parallel class may load the machine
public sealed class RedisCooldownStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportThrottled_WithRetryAfter_PausesEveryReplica()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        await using var other = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var throttled = RateLimiters.Create(redis.Multiplexer, options);
        using var replica = RateLimiters.Create(other, options);

        var pause = await throttled.Cooldown.ReportThrottledAsync(TimeSpan.FromSeconds(5), Ct);
        var seen = await replica.Cooldown.GetRemainingAsync(Ct);
        using var lease = await replica.AcquireAsync(1, Ct);

        Assert.Equal(TimeSpan.FromSeconds(5), pause);
        Assert.NotNull(seen);
        Assert.InRange(seen.Value, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));
        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5.5));
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(RedisRateLimitLease.CooldownReason, reason);
    }

    [Fact]
    public async Task ReportThrottled_ShorterPause_NeverShortensTheOneInForce()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, CooldownOptions());

        await limiter.Cooldown.ReportThrottledAsync(TimeSpan.FromSeconds(10), Ct);
        var afterShort = await limiter.Cooldown.ReportThrottledAsync(TimeSpan.FromSeconds(2), Ct);
        var afterExtend = await limiter.Cooldown.ExtendAsync(TimeSpan.FromSeconds(1), Ct);
        var ttl = await redis.Multiplexer.GetDatabase().KeyTimeToLiveAsync(Keys(limiter).Cooldown);

        Assert.InRange(afterShort, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(10));
        Assert.InRange(afterExtend, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(10));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(10));

        var longer = await limiter.Cooldown.ExtendAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Equal(TimeSpan.FromSeconds(20), longer);
    }

    [Fact]
    public async Task ReportThrottled_WithoutRetryAfter_DoublesPerEpisode_UpToTheCap_AndSuccessResets()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        options.DefaultCooldown = TimeSpan.FromSeconds(1);
        options.MaxCooldown = TimeSpan.FromSeconds(5);
        using var limiter = RateLimiters.Create(redis.Multiplexer, options);
        var db = redis.Multiplexer.GetDatabase();
        var keys = Keys(limiter);
        var pauses = new List<TimeSpan>();
        for (var episode = 0; episode < 5; episode++)
        {
            pauses.Add(await limiter.Cooldown.ReportThrottledAsync(null, Ct));
            await db.KeyDeleteAsync(keys.Cooldown); // the pause ran out (without waiting for it)
        }

        Assert.Equal([1, 2, 4, 5, 5], pauses.Select(p => p.TotalSeconds));
        Assert.Equal(5, (int)await db.StringGetAsync(keys.Strikes));

        await limiter.Cooldown.ReportSuccessAsync(Ct);
        Assert.False(await db.KeyExistsAsync(keys.Strikes));
        Assert.Equal(TimeSpan.FromSeconds(1), await limiter.Cooldown.ReportThrottledAsync(null, Ct));
    }

    [Fact]
    public async Task ReportThrottled_DuringAPause_IsTheSameEpisode_NotDoubledAgain()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        options.DefaultCooldown = TimeSpan.FromSeconds(2);
        await using var other = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var a = RateLimiters.Create(redis.Multiplexer, options);
        using var b = RateLimiters.Create(other, options);

        // Every replica's requests in flight come back 429 together: one episode, one strike.
        var first = await a.Cooldown.ReportThrottledAsync(null, Ct);
        var second = await b.Cooldown.ReportThrottledAsync(null, Ct);
        var third = await a.Cooldown.ReportThrottledAsync(null, Ct);

        Assert.Equal(TimeSpan.FromSeconds(2), first);
        Assert.InRange(second, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2));
        Assert.InRange(third, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2));
        Assert.Equal(1, (int)await redis.Multiplexer.GetDatabase().StringGetAsync(Keys(a).Strikes));
    }

    [Fact]
    public async Task ReportSuccess_OnAnotherReplica_ResetsTheSharedCount_SeenThroughTheBucket()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        options.DefaultCooldown = TimeSpan.FromMilliseconds(200);
        await using var other = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var throttled = RateLimiters.Create(redis.Multiplexer, options);
        using var replica = RateLimiters.Create(other, options);
        var db = redis.Multiplexer.GetDatabase();

        await throttled.Cooldown.ReportThrottledAsync(null, Ct);
        using (var lease = await replica.AcquireAsync(1, Ct)) // waits out the 200 ms pause; sees the count
        {
            Assert.True(lease.IsAcquired);
        }

        await replica.Cooldown.ReportSuccessAsync(Ct);

        Assert.False(await db.KeyExistsAsync(Keys(replica).Strikes));
    }

    [Fact]
    public async Task ReportThrottled_RetryAfterAboveTheCap_IsCapped()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        options.MaxCooldown = TimeSpan.FromMinutes(2);
        using var limiter = RateLimiters.Create(redis.Multiplexer, options);

        Assert.Equal(TimeSpan.FromMinutes(2), await limiter.Cooldown.ReportThrottledAsync(TimeSpan.FromHours(1), Ct));
    }

    [Fact]
    public async Task Acquire_PauseWithinMaxWait_ReservesAfterIt_AndResumesAtTheSteadyRate()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        options.PermitsPerSecond = 10;
        options.Burst = 5;
        await using var other = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var throttled = RateLimiters.Create(redis.Multiplexer, options);
        using var replica = RateLimiters.Create(other, options);
        var keys = Keys(replica);

        var started = Stopwatch.GetTimestamp();
        await throttled.Cooldown.ReportThrottledAsync(TimeSpan.FromMilliseconds(300), Ct);

        // Straight at the script: the first slot is at the pause's end, the next ones an interval apart (no burst).
        var replies = new List<TokenBucketReply>();
        for (var k = 0; k < 3; k++)
        {
            replies.Add(TokenBucketReply.Parse(await other.GetDatabase().ScriptEvaluateAsync(LuaScripts.TokenBucket,
                [keys.Bucket, keys.Cooldown, keys.Strikes], [100_000.0, 5, 1, 30_000_000L])));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.All(replies, r => Assert.True(r.Granted));
        // The script reads the pause left as whole milliseconds (PTTL rounds down), so the first slot can come up to 1 ms
        // before the exact end.
        Assert.InRange(replies[0].Delay, TimeSpan.FromMilliseconds(299) - elapsed, TimeSpan.FromMilliseconds(300));
        Assert.InRange(replies[1].Delay - replies[0].Delay, TimeSpan.FromMilliseconds(100) - elapsed, TimeSpan.FromMilliseconds(101));
        Assert.InRange(replies[2].Delay - replies[1].Delay, TimeSpan.FromMilliseconds(100) - elapsed, TimeSpan.FromMilliseconds(101));

        // And through the limiter: the grant comes after the pause (a bound, not a speed).
        using var lease = await replica.AcquireAsync(1, Ct);
        Assert.True(lease.IsAcquired);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(295));
    }

    [Fact]
    public async Task Acquire_ThrottledElsewhereWhileWaitingForItsSlot_IsRefusedOnWaking()
    {
        redis.EnsureAvailable();
        var options = CooldownOptions();
        options.PermitsPerSecond = 0.5;
        options.Burst = 1;
        await using var other = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var waiting = RateLimiters.Create(redis.Multiplexer, options);
        using var throttled = RateLimiters.Create(other, options);
        Assert.True((await waiting.AcquireAsync(1, Ct)).IsAcquired);

        var pending = waiting.AcquireAsync(1, Ct).AsTask(); // reserved 2 s ahead
        await Task.Delay(100, Ct);
        await throttled.Cooldown.ReportThrottledAsync(TimeSpan.FromSeconds(5), Ct);
        using var lease = await pending;

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task GetRemaining_NoPause_IsNull()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, CooldownOptions());

        Assert.Null(await limiter.Cooldown.GetRemainingAsync(Ct));
        await limiter.Cooldown.ReportSuccessAsync(Ct); // nothing to reset: no round trip, no error
    }

    private RateLimitOptions CooldownOptions() => RateLimiters.Options(redis, rate: 10, burst: 2, maxWait: TimeSpan.FromSeconds(2));

    private static RateLimitKeys Keys(RedisTokenBucketRateLimiter limiter) => limiter.Cooldown.Backend.Keys;
}
