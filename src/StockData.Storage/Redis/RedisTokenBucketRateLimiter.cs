using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace StockData.Storage.Redis;

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
/// <see cref="MetadataName.RetryAfter"/>. A caller cancelled while sleeping loses its slot, which is harmless.
/// </para>
/// <para>
/// Redis unreachable: the limiter goes on with an in-process <see cref="TokenBucketRateLimiter"/> at
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

    private readonly RedisRateLimitBackend _backend;
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly RedisKey[] _keys;
    private readonly double _intervalMicroseconds;
    private readonly TokenBucketRateLimiterOptions _localSettings;
    private readonly Lock _localLock = new();
    private TokenBucketRateLimiter? _local;
    private ITimer? _replenisher;
    private bool _disposed;
    private long _successful;
    private long _failed;
    private int _sleeping;
    private long _lastAvailable;
    private long _lastActivity;

    internal RedisTokenBucketRateLimiter(RedisCooldownStore cooldown)
    {
        Cooldown = cooldown;
        _backend = cooldown.Backend;
        _options = _backend.Options;
        _timeProvider = _backend.TimeProvider;
        _keys = [_backend.Keys.Bucket, _backend.Keys.Cooldown, _backend.Keys.Strikes];
        _intervalMicroseconds = 1_000_000.0 / _options.PermitsPerSecond;
        _localSettings = LocalBucketSettings.For(_options);
        _lastAvailable = _options.Burst;
        _lastActivity = _timeProvider.GetTimestamp();
        if (!_backend.IsConfigured)
        {
            StorageLog.RateLimitLocalOnly(_backend.Logger, _backend.Keys.Scope, LocalBucketSettings.ShareRate(_options),
                _localSettings.TokenLimit);
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

    public override TimeSpan? IdleDuration =>
        Volatile.Read(ref _sleeping) > 0 ? null : _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    public override RateLimiterStatistics? GetStatistics()
    {
        var local = UsesLocalBucket ? Volatile.Read(ref _local)?.GetStatistics() : null;
        return new RateLimiterStatistics
        {
            CurrentAvailablePermits = local?.CurrentAvailablePermits ?? Math.Max(0, Interlocked.Read(ref _lastAvailable)),
            CurrentQueuedCount = Volatile.Read(ref _sleeping) + (local?.CurrentQueuedCount ?? 0),
            TotalSuccessfulLeases = Interlocked.Read(ref _successful),
            TotalFailedLeases = Interlocked.Read(ref _failed),
        };
    }

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
        if (result is null)
        {
            return Count(_options.Fallback == RateLimitFallbackMode.Pause && _backend.IsConfigured
                ? Paused()
                : GetLocal().AttemptAcquire(Math.Min(permitCount, LocalTokenLimit)));
        }

        var reply = Observe(TokenBucketReply.Parse(result));
        return Count(reply.Granted
            ? RedisRateLimitLease.Granted
            : RedisRateLimitLease.Refused(reply.Delay, Reason(reply, RedisRateLimitLease.UnavailableReason)));
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (_localLock)
        {
            _disposed = true;
            _replenisher?.Dispose();
            _local?.Dispose();
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }

    private bool UsesLocalBucket => !_backend.IsConfigured || _backend.IsOutage;

    private int LocalTokenLimit => _localSettings.TokenLimit;

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

        var arguments = Arguments(permitCount, budget);
        var result = await _backend.RunAsync(db => db.ScriptEvaluateAsync(LuaScripts.TokenBucket, _keys, arguments), cancellationToken);
        if (result is null)
        {
            return await AcquireLocallyAsync(permitCount, cancellationToken);
        }

        var reply = Observe(TokenBucketReply.Parse(result));
        if (!reply.Granted)
        {
            return RedisRateLimitLease.Refused(reply.Delay,
                Reason(reply, permitCount == 0 ? RedisRateLimitLease.UnavailableReason : RedisRateLimitLease.MaxWaitReason));
        }

        if (reply.Delay <= TimeSpan.Zero)
        {
            return RedisRateLimitLease.Granted;
        }

        await SleepAsync(reply.Delay, cancellationToken);

        // The slot was reserved before the sleep; a 429 elsewhere since then must still stop this request.
        if (await Cooldown.GetRemainingAsync(cancellationToken) is { } pause && pause > CooldownRecheckTolerance)
        {
            return RedisRateLimitLease.Refused(pause, RedisRateLimitLease.CooldownReason);
        }

        return RedisRateLimitLease.Granted;
    }

    private async ValueTask<RateLimitLease> AcquireLocallyAsync(int permitCount, CancellationToken cancellationToken)
    {
        if (_options.Fallback == RateLimitFallbackMode.Pause && _backend.IsConfigured)
        {
            return Paused();
        }

        return await GetLocal().AcquireAsync(Math.Min(permitCount, LocalTokenLimit), cancellationToken);
    }

    private RedisRateLimitLease Paused()
    {
        var untilProbe = _backend.UntilNextProbe();
        return RedisRateLimitLease.Refused(untilProbe > TimeSpan.Zero ? untilProbe : _options.ProbeInterval,
            RedisRateLimitLease.PausedReason);
    }

    private TokenBucketRateLimiter GetLocal()
    {
        if (Volatile.Read(ref _local) is { } existing)
        {
            return existing;
        }

        lock (_localLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_local is null)
            {
                var settings = _localSettings;
                var local = new TokenBucketRateLimiter(settings);

                // Replenished by a TimeProvider timer rather than the limiter's own, so a fake clock drives it in tests.
                _replenisher = _timeProvider.CreateTimer(static state => Replenish((TokenBucketRateLimiter)state!), local,
                    settings.ReplenishmentPeriod, settings.ReplenishmentPeriod);
                Volatile.Write(ref _local, local);
            }

            return _local;
        }
    }

    private static void Replenish(TokenBucketRateLimiter local)
    {
        try
        {
            local.TryReplenish();
        }
        catch (ObjectDisposedException)
        {
            // A last tick racing the limiter's disposal.
        }
    }

    private RedisValue[] Arguments(int permitCount, TimeSpan maxWait) =>
        [_intervalMicroseconds, _options.Burst, permitCount, (long)Math.Floor(Math.Max(0, maxWait.TotalMicroseconds))];

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

    private void CheckPermitCount(int permitCount)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
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
