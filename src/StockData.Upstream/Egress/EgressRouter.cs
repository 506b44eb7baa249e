using System.Threading.RateLimiting;

namespace StockData.Upstream.Egress;

/// <summary>
/// Picks the egress for one attempt: the one whose next slot is earliest, not the next in turn. Each candidate's bucket
/// is peeked (the token-bucket script with zero permits: it reserves nothing and answers the delay until a permit is
/// free, a 429 cooldown included); the choice then reserves on that egress only. An egress whose breaker is open, or
/// whose auth cooldown holds, is skipped while any other is available; when none is, the earliest of all is taken and
/// the attempt waits or fails there, as a single egress's would.
/// </summary>
/// <remarks>
/// Peeks of concurrent callers in one process see the same buckets, so each candidate's delay is lengthened by one
/// emission interval per caller of this process that chose it and is still waiting for its slot: otherwise a burst of
/// callers all picked the same idle egress and queued behind each other while the others' slots went unused. A caller
/// that has reserved is then counted twice (in the bucket's delay and here); that only weighs this process's own queue
/// on an egress more than other replicas' and keeps the choice balanced (measured: each of three egresses 0.93–0.97
/// of its allowance, docs/performance.md, Egress pool).
/// </remarks>
public static class EgressRouter
{
    /// <summary>One egress as the router sees it.</summary>
    /// <param name="Available">False while its breaker is open or its auth cooldown holds.</param>
    /// <param name="Delay">Until its bucket has a free permit (null: unknown, counted as far away).</param>
    /// <param name="Pending">This process's callers that chose it and are waiting for their slot.</param>
    /// <param name="Interval">Its emission interval (1 ÷ rate).</param>
    public readonly record struct Candidate(bool Available, TimeSpan? Delay, int Pending, TimeSpan Interval)
    {
        /// <summary>When a caller choosing it now would expect its slot.</summary>
        public TimeSpan ExpectedWait => (Delay ?? TimeSpan.MaxValue / 4) + (Interval * Pending);
    }

    /// <summary>The index of the candidate to send through (see the class remarks); ties go to the earlier one in the list.</summary>
    public static int Choose(IReadOnlyList<Candidate> candidates)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var anyAvailable = false;
        foreach (var candidate in candidates)
        {
            anyAvailable |= candidate.Available;
        }

        var best = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (anyAvailable && !candidates[i].Available)
            {
                continue;
            }

            if (best < 0 || candidates[i].ExpectedWait < candidates[best].ExpectedWait)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Peeks every lane's bucket (in parallel; each is one round trip to its Redis scope, or the in-process bucket) and
    /// returns the chosen lane, counted as pending until the returned choice is disposed. One lane: no peek at all.
    /// </summary>
    public static async ValueTask<EgressLane.PendingChoice> ChooseAsync(IReadOnlyList<EgressLane> lanes, Func<EgressLane, bool> available,
        CancellationToken cancellationToken)
    {
        if (lanes.Count == 1)
        {
            return lanes[0].Choose();
        }

        var peeks = new Task<TimeSpan?>[lanes.Count];
        for (var i = 0; i < lanes.Count; i++)
        {
            peeks[i] = PeekAsync(lanes[i], cancellationToken);
        }

        await Task.WhenAll(peeks);
        var candidates = new Candidate[lanes.Count];
        for (var i = 0; i < lanes.Count; i++)
        {
            var lane = lanes[i];
            candidates[i] = new Candidate(available(lane), peeks[i].Result, lane.Pending,
                TimeSpan.FromSeconds(1 / lane.Limits.Backend.Options.PermitsPerSecond));
        }

        return lanes[Choose(candidates)].Choose();
    }

    /// <summary>The delay until the lane's bucket has a free permit: zero when one is free now.</summary>
    internal static async Task<TimeSpan?> PeekAsync(EgressLane lane, CancellationToken cancellationToken)
    {
        using var lease = await lane.Limiter.AcquireAsync(0, cancellationToken);
        if (lease.IsAcquired)
        {
            return TimeSpan.Zero;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null;
    }
}
