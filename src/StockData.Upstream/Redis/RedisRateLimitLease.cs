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

    private RedisRateLimitLease(bool isAcquired, TimeSpan retryAfter, string? reason, long slotAt = 0)
    {
        IsAcquired = isAcquired;
        _retryAfter = retryAfter;
        _reason = reason;
        SlotAt = slotAt;
    }

    /// <summary>A granted lease with no slot to keep (permit checks, no limit): it holds nothing to release.</summary>
    public static RedisRateLimitLease Granted { get; } = new(true, TimeSpan.Zero, null);

    /// <summary>
    /// When the granted slot fell due (the limiter's <see cref="TimeProvider"/> timestamp; 0 = no slot to keep), so a
    /// check further down the way to the socket measures lateness from the slot, not from when the lease came back:
    /// measured from the lease, a request that woke late and stalled again could be late by twice the tolerance
    /// before anything gave its slot up.
    /// </summary>
    public long SlotAt { get; }

    /// <summary>When <paramref name="lease"/>'s slot fell due, or now on <paramref name="time"/> for a lease that names none.</summary>
    public static long SlotOf(RateLimitLease lease, TimeProvider time) =>
        lease is RedisRateLimitLease { SlotAt: > 0 } slotted ? slotted.SlotAt : time.GetTimestamp();

    /// <summary>A granted lease whose slot fell due at <paramref name="slotAt"/> (a timestamp of the limiter's clock).</summary>
    public static RedisRateLimitLease GrantedAt(long slotAt) => new(true, TimeSpan.Zero, null, slotAt);

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
