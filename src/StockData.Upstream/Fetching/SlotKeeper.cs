using Polly.RateLimiting;
using StockData.Upstream.Egress;
using StockData.Upstream.Redis;
using StockData.Yahoo.Egress;

namespace StockData.Upstream.Fetching;

/// <summary>
/// Keeps a chart request on its rate-limiter slot up to the moment it leaves: if it is about to go later after its
/// slot than the upstream's spare burst covers, it gives the slot up and waits for a new one, as the limiter itself
/// does when it wakes late. Checked twice: by <see cref="LateSendGuard"/> at the end of the handler chain, and on the
/// connection just before the request's first bytes are written (<see cref="ISendGate"/>), the last moment there is.
/// </summary>
/// <remarks>
/// The limiter checks lateness when its sleep ends, but the way from there to the socket (the resilience pipeline's
/// remaining strategies, the client building the request, the handler chain, taking or opening a connection) can
/// stall too: a cold process JIT-compiles all of it on its first sends and opens its connections then, and a busy host
/// deschedules it. A request stalled there reached the upstream bunched with the on-time requests of later slots,
/// and the upstream, holding the same rate and burst, answered 429 (seen with ten replica processes starting at once
/// on two cores; gone when each process had opened its connections beforehand).
/// </remarks>
public sealed class SlotKeeper(SendSlot slot, EgressLimiters egresses, TimeProvider timeProvider) : ISendGate
{
    /// <summary>Gives the flow's slot up for new ones while it is missed (at most <see cref="RedisTokenBucketRateLimiter.MaxRepaces"/> times).</summary>
    public ValueTask KeepAsync(CancellationToken cancellationToken) =>
        slot.Current is { } ticket ? KeepAsync(ticket, cancellationToken) : default;

    /// <summary>The connection's check: once per request, before its first write.</summary>
    public ValueTask BeforeWriteAsync(CancellationToken cancellationToken)
    {
        if (slot.Current is not { Written: false } ticket)
        {
            return default;
        }

        ticket.Written = true;
        return KeepAsync(ticket, cancellationToken);
    }

    private async ValueTask KeepAsync(SendSlot.Ticket ticket, CancellationToken cancellationToken)
    {
        // The limiter of the egress this attempt goes through (the one that granted its slot).
        var limiter = egresses.Current.Limiter;
        for (var given = 0;
             given < RedisTokenBucketRateLimiter.MaxRepaces && limiter.MissedSlot(timeProvider.GetElapsedTime(ticket.SlotAt));
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

            ticket.SlotAt = RedisRateLimitLease.SlotOf(lease, timeProvider);
        }
    }
}
