using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

/// <summary>
/// The limiter with no Redis configured: the in-process bucket at the replica's share (the same bucket Redis outages
/// fall back to), and the in-process cooldown, all on a fake clock.
/// </summary>
public sealed class InProcessRateLimiterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ColdBucket_DefaultInstantBurst_OnePermitAtOnce_TheRestOfTheBurstNeverReady()
    {
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 2, Burst = 2 }); // 500 ms apart

        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        using var refused = limiter.AttemptAcquire(1);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(500), retryAfter);

        // Idle for ten intervals: still one permit ready, not the burst of two.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);
    }

    [Fact]
    public async Task Burst_ThenOnePermitPerShareInterval()
    {
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 2, Burst = 2, InstantBurst = 2 }); // 500 ms apart

        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        using var refused = limiter.AttemptAcquire(1);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(500), retryAfter);

        var waiting = limiter.AcquireAsync(1, Ct);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limiter.GetStatistics()!.CurrentQueuedCount);
        Assert.Null(limiter.IdleDuration);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await waiting).IsAcquired);
        Assert.False(limiter.IsShared);
        Assert.False(limiter.IsFallbackActive);
        Assert.Equal(3, limiter.GetStatistics()!.TotalSuccessfulLeases);
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
    }

    [Fact]
    public async Task MaxWait_SlotFurtherAhead_RefusedAtOnce()
    {
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 1, Burst = 1, MaxWait = TimeSpan.FromSeconds(1.5) });
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        var queued = limiter.AcquireAsync(1, Ct); // 1 s ahead: reserved

        using var refused = await limiter.AcquireAsync(1, Ct); // 2 s ahead: beyond the wait

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await queued).IsAcquired);
    }

    [Fact]
    public async Task Replicas_EachTakesItsShare()
    {
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 1, Burst = 2, Replicas = 3 }); // 1 per 3 s

        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        var waiting = limiter.AcquireAsync(1, Ct);
        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True((await waiting).IsAcquired);
    }

    [Fact]
    public async Task WokenLaterThanTheTolerance_GivesUpTheSlot_AndTakesANewOne()
    {
        // 500 ms apart, burst 2: the tolerance is half an interval (half the upstream's one spare token).
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 2, Burst = 2 });
        Assert.Equal(TimeSpan.FromMilliseconds(250), RedisTokenBucketRateLimiter.LateTolerance(new RateLimitOptions { PermitsPerSecond = 2, Burst = 2 }));
        Assert.True(limiter.AttemptAcquire(1).IsAcquired); // the one permit ready (instant burst 1)
        var waiting = limiter.AcquireAsync(1, Ct); // slot at 500 ms

        // A stall: the caller wakes at 1,200 ms, 700 ms after its slot. The unused slot refilled the bucket, so the
        // new reservation is free at once; the bucket counts both (the given-up slot is never handed out again).
        _time.Advance(TimeSpan.FromMilliseconds(1200));
        using var lease = await waiting;

        Assert.True(lease.IsAcquired);
        Assert.Equal(1, limiter.RepacedCount);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task WokenLateWithinTheTolerance_SendsOnItsSlot()
    {
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 2, Burst = 2 });
        Assert.True(limiter.AttemptAcquire(1).IsAcquired); // the one permit ready (instant burst 1)
        var waiting = limiter.AcquireAsync(1, Ct); // slot at 500 ms

        _time.Advance(TimeSpan.FromMilliseconds(700)); // 200 ms late: within half the upstream's spare token
        using var lease = await waiting;

        Assert.True(lease.IsAcquired);
        Assert.Equal(0, limiter.RepacedCount);
    }

    [Fact]
    public void LateTolerance_HalfAnIntervalPerSpareToken_NeverBelowTheFloor()
    {
        // Half the upstream's margin: the other half is for the way after the last check (connection, kernel, proxy).
        Assert.Equal(TimeSpan.FromSeconds(0.5), RedisTokenBucketRateLimiter.LateTolerance(new RateLimitOptions())); // 1/s, burst 2
        Assert.Equal(TimeSpan.FromSeconds(2), RedisTokenBucketRateLimiter.LateTolerance(new RateLimitOptions { Burst = 5 }));
        // Only the tokens the bucket never hands out at once are the upstream's spare ones.
        Assert.Equal(TimeSpan.FromSeconds(1), RedisTokenBucketRateLimiter.LateTolerance(new RateLimitOptions { Burst = 5, InstantBurst = 3 }));
        Assert.Equal(TimeSpan.FromSeconds(0.5), RedisTokenBucketRateLimiter.LateTolerance(new RateLimitOptions { Burst = 1 }));
        Assert.Equal(RedisTokenBucketRateLimiter.MinLateTolerance,
            RedisTokenBucketRateLimiter.LateTolerance(new RateLimitOptions { PermitsPerSecond = 1000, Burst = 2 }));
    }

    [Fact]
    public async Task Cooldown_Reported_PausesTheLimiter_ThenLetsItGo()
    {
        using var limiter = Create(new RateLimitOptions { PermitsPerSecond = 10, Burst = 5, MaxWait = TimeSpan.FromSeconds(5) });

        var pause = await limiter.Cooldown.ReportThrottledAsync(TimeSpan.FromSeconds(2), Ct);
        using var attempt = limiter.AttemptAcquire(1);
        var waiting = limiter.AcquireAsync(1, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromSeconds(2), pause);
        Assert.False(attempt.IsAcquired);
        Assert.True(attempt.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(RedisRateLimitLease.CooldownReason, reason);
        Assert.True((await waiting).IsAcquired);
        Assert.Null(await limiter.Cooldown.GetRemainingAsync(Ct));
    }

    [Fact]
    public async Task Cooldown_LongerThanMaxWait_RefusedAtOnce_WithTheRemainingPause()
    {
        using var limiter = Create(new RateLimitOptions { MaxWait = TimeSpan.FromSeconds(5) });
        await limiter.Cooldown.ReportThrottledAsync(null, Ct); // default 30 s
        _time.Advance(TimeSpan.FromSeconds(10));

        using var lease = await limiter.AcquireAsync(1, Ct);

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(20), retryAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), await limiter.Cooldown.GetRemainingAsync(Ct));
    }

    [Fact]
    public async Task Success_ResetsTheDoubling_InProcess()
    {
        using var limiter = Create(new RateLimitOptions());
        _time.Advance(await limiter.Cooldown.ReportThrottledAsync(null, Ct));
        Assert.Equal(TimeSpan.FromSeconds(60), await limiter.Cooldown.ReportThrottledAsync(null, Ct));
        _time.Advance(TimeSpan.FromSeconds(60));

        await limiter.Cooldown.ReportSuccessAsync(Ct);

        Assert.Equal(TimeSpan.FromSeconds(30), await limiter.Cooldown.ReportThrottledAsync(null, Ct));
    }

    [Fact]
    public void Statistics_IdleDuration_AndDispose()
    {
        var limiter = Create(new RateLimitOptions { Burst = 3, InstantBurst = 3 });
        Assert.Equal(3, limiter.GetStatistics()!.CurrentAvailablePermits);
        limiter.AttemptAcquire(1);
        _time.Advance(TimeSpan.FromSeconds(0.25));

        Assert.Equal(2, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(TimeSpan.FromSeconds(0.25), limiter.IdleDuration);

        limiter.Dispose();
        limiter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire(1));
        Assert.NotNull(limiter.GetStatistics());
    }

    private RedisTokenBucketRateLimiter Create(RateLimitOptions options) =>
        new(new RedisCooldownStore(new RedisRateLimitBackend(null, options, _time, NullLogger.Instance)));
}
