using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StockData.Diagnostics;
using StockData.Upstream.Redis;
using StockData.Yahoo;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Session;

/// <summary>
/// One Yahoo session per egress for the whole fleet, kept in Redis next to the egress's token bucket. A replica that
/// finds none takes the egress's refresh lock (a short expiry its holder renews while it works, so a crashed holder
/// blocks the fleet for seconds, not for a whole refresh's budget) and obtains
/// one, while the others poll for the new version; in a process, one caller does this (single flight) for all waiting
/// ones. At most one refresh per egress per <see cref="YahooOptions.MinRefreshInterval"/>; a throttled getcrumb is
/// reported to the shared 429 cooldown, other failed refreshes count toward the fleet's <see cref="AuthCooldown"/>.
/// Without Redis (not configured, or unreachable) the in-process source serves instead.
/// </summary>
/// <remarks>The hash holds the cookie and crumb: they go nowhere else (no log, no metric; the version names them).</remarks>
public sealed class RedisYahooSessionSource : IYahooSessionSource
{
    // Delete only the version the caller was refused with: a replica holding an old refusal cannot drop a newer session.
    private const string InvalidateScript = """
        if redis.call('HGET', KEYS[1], 'version') == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>How long a replica trusts its copy before reading Redis again (a refused request re-reads at once).</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long the refresh lock outlives its holder's last renewal. A replica killed mid-refresh (a deploy, the OOM
    /// killer) used to hold it for the whole refresh budget (over two minutes at the defaults), and every other replica
    /// waited that long for a session; now the lock is renewed every third of this while the refresh runs.
    /// </summary>
    private static readonly TimeSpan LockHold = TimeSpan.FromSeconds(5);

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    private readonly RedisRateLimitBackend _backend;
    private readonly InProcessYahooSessionSource _local;
    private readonly YahooSessionFetcher _fetcher;
    private readonly RedisCooldownStore _cooldown;
    private readonly AuthCooldown _authCooldown;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisYahooSessionSource> _logger;
    private readonly TimeSpan _minInterval;
    private readonly TimeSpan _lockLifetime;
    private readonly RedisKey _sessionKey;
    private readonly Lock _lock = new();
    private YahooSession? _current;
    private DateTimeOffset _checkedAt;
    private Task<YahooSession?>? _loading;
    private YahooSessionError? _lastError;
    private YahooSession? _lastUsed;
    private volatile bool _demanded;

    public RedisYahooSessionSource(RedisRateLimitBackend backend, InProcessYahooSessionSource local, YahooSessionFetcher fetcher,
        RedisCooldownStore cooldown, AuthCooldown authCooldown, IOptions<YahooOptions> options, ILogger<RedisYahooSessionSource> logger)
    {
        _backend = backend;
        _local = local;
        _fetcher = fetcher;
        _cooldown = cooldown;
        _authCooldown = authCooldown;
        _time = backend.TimeProvider;
        _logger = logger;
        _minInterval = options.Value.MinRefreshInterval;
        // A refresh is a few requests, each within the attempt timeout, plus their token waits: how long a replica waits
        // for another's refresh before giving up on it.
        _lockLifetime = options.Value.AttemptTimeout * 4 + backend.Options.MaxWait;
        _sessionKey = backend.Keys.Session;
        Mode = options.Value.Session;
        Egress = backend.Keys.Scope;
        // Exported at 0 from start-up: increase() cannot see a counter's first step from no series, so the alert on
        // failing refreshes would miss a fresh replica's first failure.
        foreach (var result in new[] { PipelineMetrics.SessionRefreshResults.Ok, PipelineMetrics.SessionRefreshResults.Failed,
                     PipelineMetrics.SessionRefreshResults.Throttled })
        {
            PipelineMetrics.SessionRefreshes.WithLabels(Egress, result);
        }
    }

    public YahooSessionMode Mode { get; }

    /// <summary>The egress (limiter scope) whose session this is: the metrics' <c>egress</c> label.</summary>
    public string Egress { get; }

    public YahooSessionError? LastError => _backend.IsConfigured && !_backend.IsOutage ? Volatile.Read(ref _lastError) : _local.LastError;

    /// <summary>When the session this replica last used was obtained; null before it had one.</summary>
    public DateTimeOffset? LastUsedObtainedAt => Volatile.Read(ref _lastUsed)?.ObtainedAt;

    public async ValueTask<YahooSession?> GetAsync(CancellationToken cancellationToken)
    {
        if (Mode == YahooSessionMode.Off)
        {
            return null;
        }

        var session = _backend.IsConfigured && !_backend.IsOutage ? await GetSharedAsync(cancellationToken) : await GetLocalAsync(cancellationToken);
        if (session is not null)
        {
            Volatile.Write(ref _lastUsed, session);
        }

        return session;
    }

    public async ValueTask<bool> InvalidateAsync(string version, CancellationToken cancellationToken)
    {
        // A refusal proves the upstream demands a session: from now on a request waits for the next refresh rather
        // than going without one (which would only be refused too).
        _demanded = true;
        lock (_lock)
        {
            if (_current is not null && string.Equals(_current.Version, version, StringComparison.Ordinal))
            {
                _current = null;
            }
        }

        var localDropped = await _local.InvalidateAsync(version, cancellationToken);
        var result = await _backend.RunAsync(db => db.ScriptEvaluateAsync(InvalidateScript, [_sessionKey], [version]), cancellationToken);
        var dropped = result is null ? localDropped : (int)result == 1;
        if (result is not null && dropped)
        {
            PipelineLog.SessionDropped(_logger, Egress, version);
        }

        return dropped;
    }

    private async ValueTask<YahooSession?> GetLocalAsync(CancellationToken cancellationToken)
    {
        var before = _local.Obtained;
        var errorBefore = _local.LastError;
        var session = await _local.GetAsync(cancellationToken);
        if (_local.Obtained != before)
        {
            PipelineMetrics.SessionRefreshes.WithLabels(Egress, PipelineMetrics.SessionRefreshResults.Ok).Inc();
        }
        else if (_local.LastError is { } error && !ReferenceEquals(error, errorBefore))
        {
            PipelineMetrics.SessionRefreshes.WithLabels(Egress, ResultOf(error)).Inc();
        }

        return session;
    }

    private ValueTask<YahooSession?> GetSharedAsync(CancellationToken cancellationToken)
    {
        Task<YahooSession?> loading;
        lock (_lock)
        {
            if (_current is { } current && _time.GetUtcNow() - _checkedAt < RecheckInterval)
            {
                return ValueTask.FromResult<YahooSession?>(current);
            }

            // Not the caller's token: the load serves every waiter in this process.
            loading = _loading ??= LoadAsync();
        }

        return new ValueTask<YahooSession?>(loading.WaitAsync(cancellationToken));
    }

    private async Task<YahooSession?> LoadAsync()
    {
        await Task.Yield();
        try
        {
            var deadline = _time.GetUtcNow() + _lockLifetime;
            while (true)
            {
                var read = await _backend.RunAsync(db => db.ExecuteAsync("HGETALL", _sessionKey), CancellationToken.None);
                if (read is null)
                {
                    // Redis went away: this process fends for itself until it answers again.
                    return await GetLocalAsync(CancellationToken.None);
                }

                if (Parse(read) is { } shared)
                {
                    Remember(shared);
                    return shared;
                }

                if (await _authCooldown.GetRemainingAsync(CancellationToken.None) is { } pause)
                {
                    Volatile.Write(ref _lastError, new YahooSessionError(YahooSessionErrorKind.CrumbRejected,
                        $"the fleet's auth cooldown holds refreshes back for {pause:g}"));
                    return null;
                }

                var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                var ms = (long)LockHold.TotalMilliseconds;
                var locked = await _backend.RunAsync(db => db.ExecuteAsync("SET", (RedisKey)_backend.Keys.SessionLock, token, "NX", "PX", ms), CancellationToken.None);
                if (locked is not null && !locked.IsNull)
                {
                    YahooSession? refreshed;
                    using var renewing = new CancellationTokenSource();
                    var renewal = RenewLockAsync(token, renewing.Token);
                    try
                    {
                        refreshed = await RefreshAsync();
                    }
                    finally
                    {
                        await renewing.CancelAsync();
                        await renewal;
                        await _backend.RunAsync(db => db.ScriptEvaluateAsync(ReleaseScript, [_backend.Keys.SessionLock], [token]), CancellationToken.None);
                    }

                    // Without a session the upstream refuses (it has before): wait for the next refresh that is due,
                    // within the deadline, instead of sending requests that can only be refused. Otherwise go without.
                    if (refreshed is not null || !_demanded || _time.GetUtcNow() >= deadline)
                    {
                        return refreshed;
                    }

                    await Task.Delay(PollInterval, _time);
                    continue;
                }

                // Another replica is refreshing: wait for its version rather than asking Yahoo too.
                if (_time.GetUtcNow() >= deadline)
                {
                    return null;
                }

                await Task.Delay(PollInterval, _time);
            }
        }
        finally
        {
            lock (_lock)
            {
                _loading = null;
            }
        }
    }

    /// <summary>Keeps the refresh lock alive while this replica's refresh runs (only while it still holds it).</summary>
    private async Task RenewLockAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LockHold / 3, _time, cancellationToken);
                await _backend.RunAsync(db => db.ScriptEvaluateAsync(RenewScript, [_backend.Keys.SessionLock],
                    [token, (long)LockHold.TotalMilliseconds]), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The refresh ended: the caller releases the lock.
        }
    }

    /// <summary>Holding the lock: obtain a session and share it, unless the egress's last refresh was too recent.</summary>
    private async Task<YahooSession?> RefreshAsync()
    {
        // Under the lock, a replica that took it just after another released it finds the new session here.
        if (await _backend.RunAsync(db => db.ExecuteAsync("HGETALL", _sessionKey), CancellationToken.None) is { } again && Parse(again) is { } fresh)
        {
            Remember(fresh);
            return fresh;
        }

        // PX needs at least 1 ms: an interval of zero allows a refresh at any time.
        var intervalMs = Math.Max(1, (long)Math.Ceiling(_minInterval.TotalMilliseconds));
        var due = await _backend.RunAsync(db => db.ExecuteAsync("SET", (RedisKey)_backend.Keys.SessionNext, "1", "NX", "PX", intervalMs), CancellationToken.None);
        if (due is null || due.IsNull)
        {
            Volatile.Write(ref _lastError, new YahooSessionError(YahooSessionErrorKind.CrumbRejected,
                $"the egress's last session refresh was less than {_minInterval:g} ago"));
            return null;
        }

        var result = await _fetcher.TryObtainAsync(CancellationToken.None);

        if (result.Session is { } session)
        {
            await _backend.RunAsync(db => db.ExecuteAsync("HSET", _sessionKey,
                "cookie", session.CookieHeader, "crumb", session.Crumb, "version", session.Version,
                "obtained", session.ObtainedAt.ToUnixTimeMilliseconds(), "strategy", session.Strategy), CancellationToken.None);
            Volatile.Write(ref _lastError, null);
            PipelineMetrics.SessionRefreshes.WithLabels(Egress, PipelineMetrics.SessionRefreshResults.Ok).Inc();
            PipelineLog.SessionShared(_logger, Egress, session.Version, session.Strategy);
            await _authCooldown.ReportSuccessAsync(CancellationToken.None);
            Remember(session);
            return session;
        }

        var error = result.Error!;
        Volatile.Write(ref _lastError, error);
        PipelineMetrics.SessionRefreshes.WithLabels(Egress, ResultOf(error)).Inc();
        PipelineLog.SessionRefreshFailed(_logger, Egress, error.Kind.ToString(), error.Message);
        if (error.Kind == YahooSessionErrorKind.CrumbRateLimited)
        {
            // A rate-limit answer: the whole fleet waits on the shared 429 cooldown, and the next refresh no sooner.
            PipelineMetrics.EgressThrottled.WithLabels(Egress, "session").Inc();
            var pause = await _cooldown.ReportThrottledAsync(error.RetryAfter, CancellationToken.None);
            if (pause > _minInterval)
            {
                var pauseMs = (long)Math.Ceiling(pause.TotalMilliseconds);
                await _backend.RunAsync(db => db.ExecuteAsync("SET", (RedisKey)_backend.Keys.SessionNext, "1", "PX", pauseMs), CancellationToken.None);
            }
        }
        else
        {
            await _authCooldown.ReportFailureAsync("session refresh: " + error.Kind, CancellationToken.None);
        }

        return null;
    }

    private void Remember(YahooSession session)
    {
        lock (_lock)
        {
            _current = session;
            _checkedAt = _time.GetUtcNow();
        }
    }

    private YahooSession? Parse(RedisResult result)
    {
        var fields = result.ToDictionary();
        if (!fields.TryGetValue("cookie", out var cookie) || !fields.TryGetValue("crumb", out var crumb) ||
            !fields.TryGetValue("obtained", out var obtained))
        {
            return null;
        }

        lock (_lock)
        {
            // The same version as held: keep the instance (its ObtainedAt and identity).
            if (_current is { } current && current.CookieHeader == (string?)cookie && current.Crumb == (string?)crumb)
            {
                return current;
            }
        }

        var strategy = fields.TryGetValue("strategy", out var s) ? (string?)s ?? "" : "";
        return new YahooSession((string)cookie!, (string)crumb!, DateTimeOffset.FromUnixTimeMilliseconds((long)obtained), strategy);
    }

    private static string ResultOf(YahooSessionError error) => error.Kind == YahooSessionErrorKind.CrumbRateLimited
        ? PipelineMetrics.SessionRefreshResults.Throttled
        : PipelineMetrics.SessionRefreshResults.Failed;
}
