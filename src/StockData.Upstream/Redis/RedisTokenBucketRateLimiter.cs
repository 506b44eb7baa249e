using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace StockData.Upstream.Redis;

/// <summary>
/// One token bucket per upstream, shared by every replica through Redis, as a standard <see cref="RateLimiter"/> (so
/// Polly's rate-limiter strategy and the pipeline's fetch stage use it as they would any limiter).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="RateLimiter.AcquireAsync"/> makes one atomic script call that <em>reserves</em> the caller's slot
/// (first come, first served at Redis) and returns the delay until it; the caller then sleeps once for that delay on
/// the injected <see cref="TimeProvider"/>. It never polls. A slot further away than
/// <see cref="RateLimitOptions.MaxWait"/>, or a 429 cooldown longer than it, is refused at once with the standard
/// <see cref="MetadataName.RetryAfter"/>. A caller cancelled while sleeping loses its slot, which is harmless. A
/// caller that wakes later than <see cref="LateTolerance"/> after its slot reserves a new one instead of sending bunched
/// with later slots' requests (at most <see cref="MaxRepaces"/> times).
/// </para>
/// <para>
/// Redis unreachable: the limiter goes on with an in-process bucket of the same algorithm at
/// <c>PermitsPerSecond ÷ Replicas</c> (or pauses, by option), logs once, shows it in <see cref="IsFallbackActive"/>,
/// and probes Redis at most once per <see cref="RateLimitOptions.ProbeInterval"/> until it answers.
/// </para>
/// </remarks>
public sealed class RedisTokenBucketRateLimiter : RateLimiter
{
    /// <summary>
    /// After sleeping to its slot a caller re-reads the cooldown, since another replica may have been throttled
    /// meanwhile. A pause left below this is the one the slot was already placed after (clock rounding), not a new one.
    /// </summary>
    internal static readonly TimeSpan CooldownRecheckTolerance = TimeSpan.FromMilliseconds(50);

    /// <summary>How long before its slot a sleeping caller starts re-reading the cooldown (see <see cref="WaitForSlotAsync"/>).</summary>
    internal static readonly TimeSpan CooldownRecheckLead = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The least lateness that makes a caller give up its slot and reserve a new one: below it, ordinary timer and
    /// thread-pool jitter (1–2 ms) would waste slots.
    /// </summary>
    internal static readonly TimeSpan MinLateTolerance = TimeSpan.FromMilliseconds(10);

    /// <summary>A caller late for this many slots in a row sends anyway: a host that stalls that often cannot be paced.</summary>
    internal const int MaxRepaces = 3;

    private readonly RedisRateLimitBackend _backend;
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly RedisKey[] _keys;
    private readonly double _intervalMicroseconds;
    private readonly LocalTokenBucket _local;
    private readonly TimeSpan _lateTolerance;
    private volatile bool _disposed;
    private long _successful;
    private long _failed;
    private long _repaced;
    private int _sleeping;
    private long _lastAvailable;
    private long _lastActivity;

    internal RedisTokenBucketRateLimiter(RedisCooldownStore cooldown)
    {
        Cooldown = cooldown;
        _backend = cooldown.Backend;
        _options = _backend.Options;
        _timeProvider = _backend.TimeProvider;
        _keys = _backend.Keys.TokenBucketScript;
        _intervalMicroseconds = 1_000_000.0 / _options.PermitsPerSecond;
        _local = LocalBucketSettings.Create(_options, _timeProvider);
        _lateTolerance = LateTolerance(_options);
        _lastAvailable = _options.InstantBurst;
        _lastActivity = _timeProvider.GetTimestamp();
        if (!_backend.IsConfigured)
        {
            UpstreamLog.RateLimitLocalOnly(_backend.Logger, _backend.Keys.Scope, LocalBucketSettings.ShareRate(_options), _local.Burst);
        }
    }

    /// <summary>The shared 429 cooldown this limiter honours (report 429s and successes to it).</summary>
    public RedisCooldownStore Cooldown { get; }

    /// <summary>True while Redis is configured but unreachable and the fallback (local bucket or pause) is in use.</summary>
    public bool IsFallbackActive => _backend.IsOutage;

    /// <summary>Redis outages this limiter has gone through (a counter for metrics).</summary>
    public long FallbackCount => _backend.OutageCount;

    /// <summary>False when no Redis is configured: the in-process bucket at the replica's share is then the limiter.</summary>
    public bool IsShared => _backend.IsConfigured;

    /// <summary>Slots given up because the caller woke too late for them (see <see cref="LateTolerance"/>); a counter for metrics.</summary>
    public long RepacedCount => Interlocked.Read(ref _repaced);

    /// <summary>
    /// Whether a request about to leave <paramref name="sinceGrant"/> after this limiter granted its slot has missed it:
    /// the same rule the limiter applies on waking, for callers that check again just before the send.
    /// </summary>
    public bool MissedSlot(TimeSpan sinceGrant) => sinceGrant > _lateTolerance;

    /// <summary>Counts a slot a caller gave up after <see cref="MissedSlot"/> (it then acquires a new one).</summary>
    public void GaveUpSlot() => Interlocked.Increment(ref _repaced);

    /// <summary>
    /// How late for its slot a caller may still send: the upstream, holding the same rate and burst, absorbs
    /// <c>Burst − InstantBurst</c> requests arriving ahead of the emission spacing (the part of its burst the bucket
    /// never spends), one emission interval per spare token (at least one interval). That margin covers the whole way
    /// from the slot to the upstream, and only the first part of it can be checked: after the last check (the
    /// limiter's on waking, then <c>SlotKeeper</c>'s at the end of the handler chain and at the connection's first
    /// write) the request still crosses the kernel, a proxy and the network, and a stalled host delays that part too. So a caller may use
    /// half the margin; the other half is left to the part nobody checks. Measured before: with the whole margin at
    /// the check, a request that passed it just in time and then stalled 25 ms more reached the upstream together
    /// with the next slot's request, and the one after met an empty bucket (performance.md, "Egress pool").
    /// At least <see cref="MinLateTolerance"/>. Later than this, the slot is given up and a new one reserved. 500 ms
    /// at the real-Yahoo defaults (1/s, burst 2, instant 1); 12.9 ms at 38.8/s burst 2.
    /// </summary>
    internal static TimeSpan LateTolerance(RateLimitOptions options)
    {
        var margin = TimeSpan.FromSeconds(Math.Max(1, options.Burst - options.InstantBurst) / options.PermitsPerSecond);
        var tolerance = margin / 2;
        return tolerance > MinLateTolerance ? tolerance : MinLateTolerance;
    }

    public override TimeSpan? IdleDuration =>
        Volatile.Read(ref _sleeping) > 0 ? null : _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Math.Max(0, UsesLocalBucket ? _local.Available() : Interlocked.Read(ref _lastAvailable)),
        CurrentQueuedCount = Volatile.Read(ref _sleeping),
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
        TotalFailedLeases = Interlocked.Read(ref _failed),
    };

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        Touch();
        return Count(await AcquireOrWaitAsync(permitCount, cancellationToken));
    }

    /// <summary>Non-blocking: granted only if a permit is free right now (the same script with zero maximum wait).</summary>
    /// <remarks>It still makes one synchronous Redis round trip; prefer <see cref="RateLimiter.AcquireAsync"/>.</remarks>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        Touch();
        var known = Cooldown.Local.Remaining();
        if (known > TimeSpan.Zero)
        {
            return Count(RedisRateLimitLease.Refused(known, RedisRateLimitLease.CooldownReason));
        }

        var result = _backend.Run(db => db.ScriptEvaluate(LuaScripts.TokenBucket, _keys, Arguments(permitCount, TimeSpan.Zero)));
        if (result is null && IsPaused)
        {
            return Count(Paused());
        }

        var reply = result is null ? ReserveLocally(permitCount, TimeSpan.Zero) : Observe(TokenBucketReply.Parse(result));
        return Count(reply.Granted
            ? RedisRateLimitLease.Granted
            : RedisRateLimitLease.Refused(reply.Delay, Reason(reply, RedisRateLimitLease.UnavailableReason)));
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing is held: no timer, no connection (the multiplexer belongs to the process). Later calls throw.
        if (disposing)
        {
            _disposed = true;
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private bool UsesLocalBucket => !_backend.IsConfigured || _backend.IsOutage;

    private bool IsPaused => _options.Fallback == RateLimitFallbackMode.Pause && _backend.IsConfigured;

    private async ValueTask<RateLimitLease> AcquireOrWaitAsync(int permitCount, CancellationToken cancellationToken)
    {
        var budget = _options.MaxWait;

        // A pause this process already knows of (its own 429, the shared one last seen): honoured without a round trip.
        var known = Cooldown.Local.Remaining();
        if (known > TimeSpan.Zero)
        {
            if (known > budget || permitCount == 0)
            {
                return RedisRateLimitLease.Refused(known, RedisRateLimitLease.CooldownReason);
            }

            await SleepAsync(known, cancellationToken);
            budget -= known;
        }

        var started = _timeProvider.GetTimestamp();
        var total = budget;
        for (var repaced = 0; ; repaced++)
        {
            var sent = _timeProvider.GetTimestamp();
            var arguments = Arguments(permitCount, budget);
            var result = await _backend.RunAsync(db => db.ScriptEvaluateAsync(LuaScripts.TokenBucket, _keys, arguments), cancellationToken);
            if (result is null && IsPaused)
            {
                return Paused();
            }

            var reply = result is null ? ReserveLocally(permitCount, budget) : Observe(TokenBucketReply.Parse(result));

            // The delay is counted from the reply's arrival, never from the request's departure. The script measured it
            // at some instant between the two, and the slot is that instant plus the delay; counted from the departure,
            // a request held on its way in (a loaded host, a busy server: 27 ms seen in a test) was released that much
            // before its slot, i.e. ahead of the shared bucket. From the arrival the release can only be late, by the
            // reply's way back (0.1–2 ms here). That costs no throughput: the slots stay where the bucket put them,
            // only each send moves later by that much. (An estimate of the server clock's offset would be exact only for
            // a symmetric round trip, and the slow request leg is the case that matters.) Taken after ReserveLocally
            // too, whose clock read is its "now".
            var answered = _timeProvider.GetTimestamp();
            if (!reply.Granted)
            {
                return RedisRateLimitLease.Refused(reply.Delay,
                    Reason(reply, permitCount == 0 ? RedisRateLimitLease.UnavailableReason : RedisRateLimitLease.MaxWaitReason));
            }

            if (reply.Delay > TimeSpan.Zero && await WaitForSlotAsync(answered, reply.Delay, cancellationToken) is { } pause)
            {
                return RedisRateLimitLease.Refused(pause, RedisRateLimitLease.CooldownReason);
            }

            // Lateness counted from the request's departure, so a stall in the round trip itself counts too: the slot
            // lies between departure and arrival plus the delay, and this is the most it can have been missed by (it
            // repaces only a bunching risk; an over-estimate by the round trip costs a slot only past the tolerance).
            var late = _timeProvider.GetElapsedTime(sent) - reply.Delay;
            var left = total - _timeProvider.GetElapsedTime(started);
            if (late <= _lateTolerance || permitCount == 0)
            {
                // The slot as the release counted it (the reply's arrival plus the delay), the reference for later checks.
                return RedisRateLimitLease.GrantedAt(answered + (long)(reply.Delay.TotalSeconds * _timeProvider.TimestampFrequency));
            }

            if (repaced >= MaxRepaces || left <= TimeSpan.Zero)
            {
                // Out of tries or of time: the request goes now, and no later check should give this grant up again.
                return RedisRateLimitLease.GrantedAt(_timeProvider.GetTimestamp());
            }

            // This slot has passed by more than the upstream's spare burst covers: sent now, the request would reach
            // the upstream bunched with the on-time ones of later slots (a process stall releases several at once),
            // and the upstream, holding the same rate and burst, answers 429. Its slot is left unused (the upstream's
            // bucket refills by it) and the request takes a new one, keeping the arrivals at the emission spacing.
            Interlocked.Increment(ref _repaced);
            budget = left;
        }
    }

    /// <summary>
    /// Sleeps until the reserved slot (<paramref name="delay"/> after <paramref name="answered"/>, the reply's arrival)
    /// and re-reads the shared cooldown meanwhile: another replica may have been throttled since the slot was reserved.
    /// The re-read starts <see cref="CooldownRecheckLead"/> before the slot, so its round trip (up to 19 ms at p99 on a
    /// loaded host) is not added to the send time. Returns the pause that must stop the request, or null.
    /// </summary>
    private async ValueTask<TimeSpan?> WaitForSlotAsync(long answered, TimeSpan delay, CancellationToken cancellationToken)
    {
        var checkAt = delay - CooldownRecheckLead;
        if (checkAt > TimeSpan.Zero)
        {
            await SleepAsync(checkAt - _timeProvider.GetElapsedTime(answered), cancellationToken);
        }

        var check = Cooldown.GetRemainingAsync(cancellationToken).AsTask();
        try
        {
            await SleepUntilAsync(answered, delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The check's own outcome no longer matters; observe it so it is never an unobserved fault.
            _ = check.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        return await check is { } pause && pause > CooldownRecheckTolerance ? pause : null;
    }

    // The local share of the burst may be smaller than a permit count the shared bucket allows: take the whole bucket.
    private TokenBucketReply ReserveLocally(int permitCount, TimeSpan maxWait) =>
        _local.Reserve(Math.Min(permitCount, _local.Burst), maxWait);

    private RedisRateLimitLease Paused()
    {
        var untilProbe = _backend.UntilNextProbe();
        return RedisRateLimitLease.Refused(untilProbe > TimeSpan.Zero ? untilProbe : _options.ProbeInterval,
            RedisRateLimitLease.PausedReason);
    }

    private RedisValue[] Arguments(int permitCount, TimeSpan maxWait) =>
        [_intervalMicroseconds, _options.Burst, permitCount, (long)Math.Floor(Math.Max(0, maxWait.TotalMicroseconds)), _options.InstantBurst,
            (long)_options.ColdStartRamp.TotalMicroseconds];

    private TokenBucketReply Observe(TokenBucketReply reply)
    {
        Interlocked.Exchange(ref _lastAvailable, reply.Available);
        Cooldown.ObserveShared(reply);
        return reply;
    }

    private static string Reason(TokenBucketReply reply, string otherwise) =>
        reply.Cooldown > TimeSpan.Zero ? RedisRateLimitLease.CooldownReason : otherwise;

    private async ValueTask SleepAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        // Whole milliseconds, rounded up: timers truncate, and waking before the slot would run ahead of the bucket.
        var sleep = TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
        Interlocked.Increment(ref _sleeping);
        try
        {
            await Task.Delay(sleep, _timeProvider, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _sleeping);
            Touch();
        }
    }

    /// <summary>Sleeps until <paramref name="delay"/> has passed since <paramref name="from"/> on the provider's clock.</summary>
    /// <remarks>
    /// One timer is not enough: the system timer runs on a coarse clock and fired up to 3.7 ms before the time asked in
    /// 8 % of 2,400 sleeps measured here (1–30 ms, load ~7), which would release a grant before its slot. The remainder
    /// is slept again (rarely more than once), so the wake-up is never early; it costs ~1–4 ms on those sleeps only.
    /// </remarks>
    private async ValueTask SleepUntilAsync(long from, TimeSpan delay, CancellationToken cancellationToken)
    {
        for (var left = delay - _timeProvider.GetElapsedTime(from); left > TimeSpan.Zero; left = delay - _timeProvider.GetElapsedTime(from))
        {
            await SleepAsync(left, cancellationToken);
        }
    }

    private void CheckPermitCount(int permitCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (permitCount > _options.Burst)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount,
                $"{permitCount} permits exceed the bucket's capacity ({RateLimitOptions.SectionName}:Burst = {_options.Burst})");
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, _timeProvider.GetTimestamp());

    private RateLimitLease Count(RateLimitLease lease)
    {
        Interlocked.Increment(ref lease.IsAcquired ? ref _successful : ref _failed);
        return lease;
    }
}
