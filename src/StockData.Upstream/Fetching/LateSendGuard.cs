using Polly.RateLimiting;
using StockData.Upstream.Egress;
using StockData.Upstream.Redis;

namespace StockData.Upstream.Fetching;

/// <summary>
/// The last check before a chart request leaves: if it is about to go later after its slot than the upstream's spare
/// burst covers, it gives the slot up and waits for a new one, as the limiter itself does when it wakes late.
/// </summary>
/// <remarks>
/// The limiter checks lateness when its sleep ends, but the way from there to the socket (the resilience pipeline's
/// remaining strategies, the client building the request, the handler chain) can stall too: a cold process JIT-compiles
/// all of it on its first sends, and a busy host deschedules it. A request stalled there reached the upstream bunched
/// with the on-time requests of later slots, and the upstream, holding the same rate and burst, answered 429 (seen
/// with ten replica processes starting at once on two cores). This handler sits innermost, just before the
/// connection, so the unchecked part of the way is as short as the process can make it.
/// </remarks>
public sealed class LateSendGuard(SendSlot slot, EgressLimiters egresses, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The limiter of the egress this attempt goes through (the one that granted its slot).
        var limiter = egresses.Current.Limiter;
        var grantedAt = slot.GrantedAt;
        for (var given = 0;
             grantedAt != 0 && given < RedisTokenBucketRateLimiter.MaxRepaces && limiter.MissedSlot(timeProvider.GetElapsedTime(grantedAt));
             given++)
        {
            limiter.GaveUpSlot();
            using var lease = await limiter.AcquireAsync(1, cancellationToken);
            if (!lease.IsAcquired)
            {
                // The retry strategy handles this as it does the limiter's own refusal (waits the Retry-After, tries again).
                throw lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter)
                    ? new RateLimiterRejectedException(retryAfter)
                    : new RateLimiterRejectedException();
            }

            grantedAt = RedisRateLimitLease.SlotOf(lease, timeProvider);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
