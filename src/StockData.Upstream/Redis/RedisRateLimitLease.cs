using System.Threading.RateLimiting;

namespace StockData.Upstream.Redis;

/// <summary>
/// A lease of the shared limiter. A refusal carries the standard <see cref="MetadataName.RetryAfter"/> (a
/// <see cref="TimeSpan"/>): Polly's rate-limiter strategy reads exactly that name into
/// <c>RateLimiterRejectedException.RetryAfter</c>, which a custom name would leave null (docs/resilience-background.md §1.1).
/// </summary>
public sealed class RedisRateLimitLease : RateLimitLease
{
    /// <summary>Why a lease was refused (the <see cref="MetadataName.ReasonPhrase"/> values).</summary>
    internal const string CooldownReason = "upstream cooldown after a 429";
    internal const string MaxWaitReason = "no permit within the maximum wait";
    internal const string PausedReason = "Redis unreachable; rate limiter paused";
    internal const string UnavailableReason = "no permit available now";

    private static readonly string[] FailedNames = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

    private readonly TimeSpan _retryAfter;
    private readonly string? _reason;

    private RedisRateLimitLease(bool isAcquired, TimeSpan retryAfter, string? reason)
    {
        IsAcquired = isAcquired;
        _retryAfter = retryAfter;
        _reason = reason;
    }

    /// <summary>The one granted lease: it holds nothing to release (a spent permit is not given back).</summary>
    public static RedisRateLimitLease Granted { get; } = new(true, TimeSpan.Zero, null);

    public static RedisRateLimitLease Refused(TimeSpan retryAfter, string reason) =>
        new(false, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter, reason);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : FailedNames;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (!IsAcquired && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = _retryAfter;
            return true;
        }

        if (!IsAcquired && metadataName == MetadataName.ReasonPhrase.Name)
        {
            metadata = _reason;
            return true;
        }

        metadata = null;
        return false;
    }
}
