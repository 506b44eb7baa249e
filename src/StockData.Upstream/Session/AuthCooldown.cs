using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockData.Diagnostics;
using StockData.Upstream.Redis;

namespace StockData.Upstream.Session;

/// <summary>
/// The fleet's auth cooldown for one egress: after <see cref="AuthCooldownSettings.AuthFailureThreshold"/> (StockData:Fetch:AuthFailureThreshold) auth failures in a
/// row (failed session refreshes, chart requests still refused after their retry with a fresh session) every replica
/// holds chart requests and refreshes back for <see cref="AuthCooldownSettings.AuthCooldown"/> (StockData:Fetch:AuthCooldown), so a refusing Yahoo is not
/// hammered with more refusals. A Redis key with a TTL next to the egress's bucket; in process while Redis is away.
/// </summary>
public sealed class AuthCooldown
{
    // Count and, at the threshold, start the pause and reset the count, in one step so two replicas cannot both start it.
    private const string ReportScript = """
        local n = redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        if n >= tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
          redis.call('DEL', KEYS[2])
          return {n, 1}
        end
        return {n, 0}
        """;

    private readonly RedisRateLimitBackend _backend;
    private readonly AuthCooldownSettings _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuthCooldown> _logger;
    private readonly RedisKey[] _keys;
    private readonly Lock _lock = new();
    private int _localFailures;
    private DateTimeOffset _until = DateTimeOffset.MinValue;
    private volatile bool _failuresMayExist;

    public AuthCooldown(RedisRateLimitBackend backend, AuthCooldownSettings options, ILogger<AuthCooldown> logger)
    {
        _backend = backend;
        _options = options;
        _time = backend.TimeProvider;
        _logger = logger;
        _keys = backend.Keys.AuthCooldownScript;
        Egress = backend.Keys.Scope;
    }

    /// <summary>The egress (limiter scope) this cooldown belongs to: the metrics' <c>egress</c> label.</summary>
    public string Egress { get; }

    /// <summary>The pause left for the fleet; null when none. One round trip (PTTL) when Redis is configured.</summary>
    public async ValueTask<TimeSpan?> GetRemainingAsync(CancellationToken cancellationToken)
    {
        var result = await _backend.RunAsync(db => db.ExecuteAsync("PTTL", _keys[0]), cancellationToken);
        if (result is not null && (long)result is var ms and > 0)
        {
            Observe(TimeSpan.FromMilliseconds(ms));
        }

        var remaining = LocalRemaining();
        PipelineMetrics.AuthCooldownActive.WithLabels(Egress).Set(remaining > TimeSpan.Zero ? 1 : 0);
        return remaining > TimeSpan.Zero ? remaining : null;
    }

    /// <summary>The pause this process knows of (its own start, the last one read): no round trip. Zero when none.</summary>
    public TimeSpan KnownRemaining => LocalRemaining() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>Waits out a pause in force (re-reading it, since another replica may extend it).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (await GetRemainingAsync(cancellationToken) is { } remaining)
        {
            await Task.Delay(remaining, _time, cancellationToken);
        }
    }

    /// <summary>One auth failure: counts it, and at the threshold starts the pause for the fleet. True when this call started it.</summary>
    public async ValueTask<bool> ReportFailureAsync(string reason, CancellationToken cancellationToken)
    {
        _failuresMayExist = true;
        var threshold = _options.AuthFailureThreshold;
        var pause = (long)Math.Ceiling(_options.AuthCooldown.TotalMilliseconds);
        // The count outlives a pause by far, so failures spread over a few pauses still add up; a success resets it.
        var lifetime = pause * 10;
        var result = await _backend.RunAsync(db => db.ScriptEvaluateAsync(ReportScript, _keys, [threshold, pause, lifetime]), cancellationToken);
        int failures;
        bool started;
        if (result is not null)
        {
            var reply = (RedisResult[])result!;
            failures = (int)reply[0];
            started = (int)reply[1] == 1;
            if (started)
            {
                Observe(_options.AuthCooldown);
            }
        }
        else
        {
            lock (_lock)
            {
                failures = ++_localFailures;
                started = failures >= threshold;
                if (started)
                {
                    _localFailures = 0;
                    _until = _time.GetUtcNow() + _options.AuthCooldown;
                }
            }
        }

        if (started)
        {
            PipelineMetrics.AuthCooldowns.WithLabels(Egress).Inc();
            PipelineMetrics.AuthCooldownActive.WithLabels(Egress).Set(1);
            PipelineLog.AuthCooldownStarted(_logger, Egress, failures, reason, _options.AuthCooldown);
        }

        return started;
    }

    /// <summary>A success: the next failure counts from one again. No round trip unless this process counted a failure.</summary>
    public async ValueTask ReportSuccessAsync(CancellationToken cancellationToken)
    {
        if (!_failuresMayExist)
        {
            return;
        }

        _failuresMayExist = false;
        lock (_lock)
        {
            _localFailures = 0;
        }

        if (await _backend.RunAsync(db => db.ExecuteAsync("DEL", _keys[1]), cancellationToken) is null && _backend.IsConfigured)
        {
            _failuresMayExist = true;
        }
    }

    private void Observe(TimeSpan remaining)
    {
        lock (_lock)
        {
            var until = _time.GetUtcNow() + remaining;
            if (until > _until)
            {
                _until = until;
            }
        }
    }

    private TimeSpan LocalRemaining()
    {
        lock (_lock)
        {
            return _until - _time.GetUtcNow();
        }
    }
}
