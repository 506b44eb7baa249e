using System.Threading.RateLimiting;
using Prometheus;
using StockData.Diagnostics;
using StockData.Upstream.Redis;
using StockData.Upstream.Session;

namespace StockData.Upstream.Fetching;

/// <summary>
/// Keeps <c>stockdata_cooldown_active</c> and <c>stockdata_ratelimit_fallback</c> current: both are read just before
/// each scrape (one PTTL for the shared cooldown, which other replicas may have set), not pushed, since the cooldown
/// ends by itself and no event marks it. One per host (a singleton), showing that host's cooldown store, limiter and
/// auth cooldown and session.
/// </summary>
/// <remarks>
/// prometheus-net 8 has no way to remove a before-collect callback, so the callback is added once per instance
/// (<see cref="EnsureRegistered"/>) and does nothing once the instance is disposed with its host: a process that
/// builds several hosts (tests, verbs) leaves only inert callbacks behind, never a stale store that is read.
/// </remarks>
public sealed class ResilienceMetrics(RedisCooldownStore cooldown, RateLimiter limiter, AuthCooldown authCooldown,
    RedisYahooSessionSource sessions, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(1);
    private int _registered;
    private volatile bool _disposed;

    /// <summary>Adds the before-collect callback to the default registry (the first call only).</summary>
    public void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            Metrics.DefaultRegistry.AddBeforeCollectCallback(UpdateAsync);
        }
    }

    /// <summary>Sets both gauges now (also called by tests and verbs that print them without a scrape).</summary>
    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return;
        }

        if (limiter is RedisTokenBucketRateLimiter shared)
        {
            PipelineMetrics.RateLimiterRepaced.IncTo(shared.RepacedCount);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadTimeout);
        TimeSpan? remaining;
        try
        {
            remaining = await cooldown.GetRemainingAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            remaining = null;
        }

        TimeSpan? authPause;
        try
        {
            authPause = await authCooldown.GetRemainingAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            authPause = null;
        }

        PipelineMetrics.CooldownActive.Set(remaining is not null || authPause is not null ? 1 : 0);
        PipelineMetrics.SessionAge.WithLabels(sessions.Egress)
            .Set(sessions.LastUsedObtainedAt is { } obtained ? Math.Max(0, (time.GetUtcNow() - obtained).TotalSeconds) : 0);
        PipelineMetrics.RateLimiterFallback.Set(cooldown.IsFallbackActive ? 1 : 0);
    }

    public void Dispose() => _disposed = true;
}
