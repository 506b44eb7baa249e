using System.Threading.RateLimiting;

namespace StockData.Storage.Redis;

/// <summary>
/// The in-process bucket used while Redis is unreachable (or not configured): this replica's share of the shared
/// limit, <c>PermitsPerSecond ÷ Replicas</c>, so the fleet stays about within the limit without talking to each other.
/// </summary>
internal static class LocalBucketSettings
{
    /// <summary>Replenishment periods shorter than this would ride on the timer's granularity; more tokens per tick instead.</summary>
    internal static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>This replica's share of the rate, in permits per second.</summary>
    public static double ShareRate(RateLimitOptions options) => options.PermitsPerSecond / options.Replicas;

    /// <summary>
    /// Options for a <see cref="TokenBucketRateLimiter"/> replenished by hand (a <see cref="TimeProvider"/> timer calls
    /// <see cref="TokenBucketRateLimiter.TryReplenish"/>, so tests drive it with a fake clock).
    /// </summary>
    public static TokenBucketRateLimiterOptions For(RateLimitOptions options)
    {
        var rate = ShareRate(options);

        // Whole tokens per tick at an exact period: n tokens every n/rate seconds is exactly the share rate.
        var tokensPerPeriod = Math.Max(1, (int)Math.Ceiling(rate * MinimumPeriod.TotalSeconds));
        var period = TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(tokensPerPeriod / rate * TimeSpan.TicksPerSecond)));

        // The burst is split too, rounding down (never above the fleet's burst), but a tick's tokens must fit.
        var tokenLimit = Math.Max(Math.Max(1, options.Burst / options.Replicas), tokensPerPeriod);

        // The queue stands in for the max wait: a caller is queued only when its turn comes within it.
        var queueLimit = (int)Math.Min(int.MaxValue, Math.Floor(rate * options.MaxWait.TotalSeconds));

        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokenLimit,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            AutoReplenishment = false,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
    }
}
