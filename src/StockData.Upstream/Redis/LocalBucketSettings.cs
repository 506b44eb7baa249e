namespace StockData.Upstream.Redis;

/// <summary>
/// The in-process bucket used while Redis is unreachable (or not configured): this replica's share of the shared
/// limit, so the fleet stays about within it without the replicas talking to each other.
/// </summary>
public static class LocalBucketSettings
{
    /// <summary>This replica's share of the rate: <c>PermitsPerSecond ÷ Replicas</c>.</summary>
    public static double ShareRate(RateLimitOptions options) => options.PermitsPerSecond / options.Replicas;

    /// <summary>
    /// This replica's share of the burst, rounded down so the fleet's bursts never add up to more than the shared one,
    /// but at least one permit (a bucket of zero would never grant).
    /// </summary>
    public static int ShareBurst(RateLimitOptions options) => Math.Max(1, options.Burst / options.Replicas);

    public static LocalTokenBucket Create(RateLimitOptions options, TimeProvider timeProvider) =>
        new(timeProvider, ShareRate(options), ShareBurst(options), Math.Min(ShareBurst(options), options.InstantBurst));
}
