using Prometheus;
using StockData.Diagnostics;
using StockData.Upstream.Redis;

namespace StockData.Upstream.Fetching;

/// <summary>
/// Keeps <c>stockdata_cooldown_active</c> and <c>stockdata_ratelimit_fallback</c> current: both are read just before
/// each scrape (one PTTL for the shared cooldown, which other replicas may have set), not pushed, since the cooldown
/// ends by itself and no event marks it.
/// </summary>
public static class ResilienceMetrics
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(1);
    private static RedisCooldownStore? _cooldown;
    private static RedisTokenBucketRateLimiter? _limiter;
    private static int _registered;

    /// <summary>The cooldown store whose state the gauges show (the last fetch service built in this process).</summary>
    public static void Track(RedisCooldownStore cooldown)
    {
        Volatile.Write(ref _cooldown, cooldown);
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            Metrics.DefaultRegistry.AddBeforeCollectCallback(UpdateAsync);
        }
    }

    /// <summary>The limiter whose given-up (late) slots <c>stockdata_ratelimit_slots_repaced_total</c> counts.</summary>
    public static void Track(RedisTokenBucketRateLimiter limiter) => Volatile.Write(ref _limiter, limiter);

    /// <summary>Sets both gauges now (also called by tests and verbs that print them without a scrape).</summary>
    public static async Task UpdateAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _limiter) is { } limiter)
        {
            PipelineMetrics.RateLimiterRepaced.IncTo(limiter.RepacedCount);
        }

        if (Volatile.Read(ref _cooldown) is not { } cooldown)
        {
            return;
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

        PipelineMetrics.CooldownActive.Set(remaining is not null || UnauthorizedGate.AnyPauseActive ? 1 : 0);
        PipelineMetrics.RateLimiterFallback.Set(cooldown.IsFallbackActive ? 1 : 0);
    }
}
