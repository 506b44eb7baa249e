using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StockData.Upstream.Redis;

/// <summary>
/// The Redis side of one limiter scope, shared by the limiter and the cooldown store: the keys, the calls (each bounded
/// by <see cref="RateLimitOptions.RedisTimeout"/>) and the outage state. A call returns null instead of throwing when
/// Redis is unreachable, so the callers degrade instead of failing; the outage is logged once when it starts and once
/// when it ends.
/// </summary>
public sealed class RedisRateLimitBackend
{
    private readonly Func<CancellationToken, ValueTask<IConnectionMultiplexer>>? _connect;
    private readonly RedisOutageTracker _outage;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private IConnectionMultiplexer? _multiplexer;

    /// <param name="connect">The process's multiplexer (connected on first use); null when Redis is not configured.</param>
    public RedisRateLimitBackend(Func<CancellationToken, ValueTask<IConnectionMultiplexer>>? connect, RateLimitOptions options,
        TimeProvider timeProvider, ILogger logger)
    {
        _connect = connect;
        Options = options;
        Keys = new RateLimitKeys(options);
        _timeProvider = timeProvider;
        _logger = logger;
        _outage = new RedisOutageTracker(timeProvider, options.ProbeInterval);
    }

    public RateLimitOptions Options { get; }

    public RateLimitKeys Keys { get; }

    public TimeProvider TimeProvider => _timeProvider;

    public ILogger Logger => _logger;

    /// <summary>False when no Redis is configured: the in-process bucket is then the limiter, not a fallback.</summary>
    public bool IsConfigured => _connect is not null;

    /// <summary>True while Redis is configured but unreachable.</summary>
    public bool IsOutage => _outage.IsActive;

    /// <summary>Outages so far.</summary>
    public long OutageCount => _outage.Episodes;

    /// <summary>While in an outage, the time until the next probe of Redis.</summary>
    public TimeSpan UntilNextProbe() => _outage.UntilNextProbe();

    /// <summary>Runs one Redis operation; null when Redis is not configured, in an outage, or unreachable now.</summary>
    public async ValueTask<RedisResult?> RunAsync(Func<IDatabase, Task<RedisResult>> operation, CancellationToken cancellationToken)
    {
        if (_connect is null || !_outage.TryBeginCall())
        {
            return null;
        }

        var started = _timeProvider.GetTimestamp();
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = _multiplexer ??= await _connect(cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            OnFailure(ex.GetType().Name + ": " + FirstLine(ex.Message));
            return null;
        }

        // A disconnected multiplexer would park the command in its backlog until the async timeout: fail fast instead.
        if (!multiplexer.IsConnected)
        {
            OnFailure("not connected");
            return null;
        }

        var task = operation(multiplexer.GetDatabase());
        try
        {
            var result = await task.WaitAsync(Options.RedisTimeout, _timeProvider, cancellationToken);
            OnSuccess(started);
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            Observe(task);
            OnFailure(ex.GetType().Name + ": " + FirstLine(ex.Message));
            return null;
        }
        catch (OperationCanceledException)
        {
            Observe(task);
            throw;
        }
    }

    /// <summary>
    /// The synchronous twin of <see cref="RunAsync"/>, for <c>AttemptAcquire</c>. It blocks for one round trip (bounded
    /// by the multiplexer's sync timeout, not <see cref="RateLimitOptions.RedisTimeout"/>); the first call may block
    /// for the connection.
    /// </summary>
    public RedisResult? Run(Func<IDatabase, RedisResult> operation)
    {
        if (_connect is null || !_outage.TryBeginCall())
        {
            return null;
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            // Sync over async once per process at most: the multiplexer is cached after the first connection.
            var multiplexer = _multiplexer ??= _connect(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (!multiplexer.IsConnected)
            {
                OnFailure("not connected");
                return null;
            }

            var result = operation(multiplexer.GetDatabase());
            OnSuccess(started);
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            OnFailure(ex.GetType().Name + ": " + FirstLine(ex.Message));
            return null;
        }
    }

    /// <summary>
    /// Redis being away, as opposed to a bug (a script error, a wrong type) that must surface. LOADING, BUSY,
    /// MASTERDOWN, TRYAGAIN and CLUSTERDOWN are a server that is there but cannot answer yet.
    /// </summary>
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or TimeoutException or SocketException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("BUSY", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) ||
                                       server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal),
        _ => false,
    };

    private void OnFailure(string reason)
    {
        if (_outage.RecordFailure())
        {
            var fallback = Options.Fallback == RateLimitFallbackMode.Pause
                ? "pausing every request"
                : $"using an in-process bucket at {LocalBucketSettings.ShareRate(Options):0.###}/s (1/{Options.Replicas} of the shared rate)";
            UpstreamLog.RateLimitRedisUnavailable(_logger, Keys.Scope, reason, fallback, Options.ProbeInterval);
        }
    }

    private void OnSuccess(long started)
    {
        if (_outage.RecordSuccess(started) is { } outage)
        {
            UpstreamLog.RateLimitRedisRecovered(_logger, Keys.Scope, outage);
        }
    }

    // A command abandoned at the timeout may still fault later; observe it so it is not an unobserved task exception.
    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
