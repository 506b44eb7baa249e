using StackExchange.Redis;

namespace StockData.Upstream.Redis;

/// <summary>
/// The shared 429 cooldown of one upstream scope. A 429 seen by any replica pauses all of them: it sets an
/// extend-only Redis key (Retry-After when given, else <see cref="RateLimitOptions.DefaultCooldown"/> doubled per
/// consecutive 429 up to <see cref="RateLimitOptions.MaxCooldown"/>), which the token-bucket script reads on every
/// acquisition. While Redis is unreachable the cooldown is kept in-process with the same rules.
/// </summary>
/// <remarks>
/// Use: report each 429 with <see cref="ReportThrottledAsync"/>, each success with <see cref="ReportSuccessAsync"/>
/// (free unless a 429 run is being counted), and an opened circuit breaker with <see cref="ExtendAsync"/>. The limiter
/// already honours the cooldown; <see cref="GetRemainingAsync"/> is for callers that do not go through it.
/// </remarks>
public sealed class RedisCooldownStore
{
    private readonly RedisRateLimitBackend _backend;
    private readonly RedisKey[] _keys;
    private volatile bool _strikesMayExist;

    internal RedisCooldownStore(RedisRateLimitBackend backend)
    {
        _backend = backend;
        _keys = backend.Keys.CooldownScript;
        Local = new LocalCooldown(backend.TimeProvider);
    }

    /// <summary>True while Redis is unreachable and the cooldown is tracked in this process only.</summary>
    public bool IsFallbackActive => _backend.IsOutage;

    internal RedisRateLimitBackend Backend => _backend;

    internal LocalCooldown Local { get; }

    /// <summary>The pause left before any replica may call the upstream; null when none. One round trip (PTTL).</summary>
    public async ValueTask<TimeSpan?> GetRemainingAsync(CancellationToken cancellationToken = default)
    {
        var result = await _backend.RunAsync(db => db.ExecuteAsync("PTTL", _keys[0]), cancellationToken);
        if (result is not null && (long)result is var ms and > 0)
        {
            Local.Observe(TimeSpan.FromMilliseconds(ms));
        }

        var remaining = Local.Remaining();
        return remaining > TimeSpan.Zero ? remaining : null;
    }

    /// <summary>
    /// The upstream answered 429: pause every replica for <paramref name="retryAfter"/> when the upstream gave one
    /// (capped at <see cref="RateLimitOptions.MaxCooldown"/>), else for the default doubled per consecutive 429.
    /// Never shortens a pause in force. Returns the pause now in force.
    /// </summary>
    public async ValueTask<TimeSpan> ReportThrottledAsync(TimeSpan? retryAfter, CancellationToken cancellationToken = default)
    {
        var reply = await SetAsync(retryAfter, countStrike: true, cancellationToken);
        _strikesMayExist = true;
        if (reply.Extended)
        {
            UpstreamLog.RateLimitCooldownStarted(_backend.Logger, _backend.Keys.Scope, reply.Remaining, reply.Strikes,
                retryAfter?.ToString() ?? "none");
        }

        return reply.Remaining;
    }

    /// <summary>
    /// Pause every replica for at least <paramref name="duration"/> without counting a 429 (e.g. a circuit breaker
    /// opened). Never shortens a pause in force. Returns the pause now in force.
    /// </summary>
    public async ValueTask<TimeSpan> ExtendAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return (await SetAsync(duration, countStrike: false, cancellationToken)).Remaining;
    }

    /// <summary>
    /// The upstream answered normally: the next 429 starts again from the default pause. No round trip unless this
    /// process has reported a 429, or seen the shared count, since the last reset.
    /// </summary>
    public async ValueTask ReportSuccessAsync(CancellationToken cancellationToken = default)
    {
        if (!_strikesMayExist)
        {
            return;
        }

        _strikesMayExist = false;
        Local.ResetStrikes();
        if (await _backend.RunAsync(db => db.ExecuteAsync("DEL", _keys[1]), cancellationToken) is null && _backend.IsConfigured)
        {
            // Redis did not get it: try again on the next success.
            _strikesMayExist = true;
        }
    }

    /// <summary>What the bucket script saw of the shared cooldown, kept for when Redis goes away.</summary>
    internal void ObserveShared(TokenBucketReply reply)
    {
        Local.Observe(reply.Cooldown);
        if (reply.StrikesPresent)
        {
            _strikesMayExist = true;
        }
    }

    private async ValueTask<CooldownReply> SetAsync(TimeSpan? requested, bool countStrike, CancellationToken cancellationToken)
    {
        var options = _backend.Options;
        RedisValue[] args =
        [
            requested is { } r ? (long)Math.Ceiling(Math.Max(0, r.TotalMilliseconds)) : -1,
            (long)Math.Ceiling(options.DefaultCooldown.TotalMilliseconds),
            (long)Math.Ceiling(options.MaxCooldown.TotalMilliseconds),
            (long)Math.Ceiling(LocalCooldown.StrikesLifetime(options.MaxCooldown).TotalMilliseconds),
            countStrike ? 1 : 0,
        ];
        var result = await _backend.RunAsync(db => db.ScriptEvaluateAsync(LuaScripts.Cooldown, _keys, args), cancellationToken);

        if (result is null)
        {
            return Local.Report(requested, options.DefaultCooldown, options.MaxCooldown, countStrike);
        }

        // Mirrored here: this process keeps pausing if Redis goes away, and skips a round trip meanwhile.
        var shared = CooldownReply.Parse(result);
        Local.Observe(shared.Remaining);
        Local.SetStrikes(shared.Strikes, LocalCooldown.StrikesLifetime(options.MaxCooldown));
        return shared;
    }
}
