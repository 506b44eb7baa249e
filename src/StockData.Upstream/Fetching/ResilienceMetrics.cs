using Prometheus;
using StockData.Diagnostics;
using StockData.Upstream.Egress;

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
public sealed class ResilienceMetrics(EgressPool egresses, TimeProvider time) : IDisposable
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

        PipelineMetrics.RateLimiterRepaced.IncTo(egresses.Lanes.Sum(l => l.Limiter.RepacedCount));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadTimeout);
        // Each egress of the pool: the cooldown gauge says whether any of them is paused (their series are per egress).
        var anyPause = false;
        foreach (var lane in egresses.Lanes)
        {
            anyPause |= await ReadAsync(() => lane.Cooldown.GetRemainingAsync(timeout.Token), cancellationToken) is not null;
            anyPause |= await ReadAsync(() => lane.AuthCooldown.GetRemainingAsync(timeout.Token), cancellationToken) is not null;
            var sessions = lane.Session;
            PipelineMetrics.SessionAge.WithLabels(sessions.Egress)
                .Set(sessions.LastUsedObtainedAt is { } obtained ? Math.Max(0, (time.GetUtcNow() - obtained).TotalSeconds) : 0);
        }

        PipelineMetrics.CooldownActive.Set(anyPause ? 1 : 0);
        PipelineMetrics.RateLimiterFallback.Set(egresses.Lanes.Any(l => l.Cooldown.IsFallbackActive) ? 1 : 0);
    }

    private static async Task<TimeSpan?> ReadAsync(Func<ValueTask<TimeSpan?>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _disposed = true;
}
