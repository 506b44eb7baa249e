using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockData.Yahoo.Session;

/// <summary>
/// One session for this process: obtained on first use by one caller while the others wait for it (single flight),
/// dropped only by <see cref="InvalidateAsync"/> with its own version, and never obtained twice within
/// <see cref="YahooOptions.MinRefreshInterval"/> (or a throttled getcrumb's Retry-After, when longer).
/// </summary>
public sealed class InProcessYahooSessionSource : IYahooSessionSource
{
    private readonly YahooSessionFetcher _fetcher;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<InProcessYahooSessionSource> _logger;
    private readonly TimeSpan _minInterval;
    private readonly Lock _lock = new();
    private YahooSession? _current;
    private Task<YahooSession?>? _refreshing;
    private DateTimeOffset _nextAttemptAt = DateTimeOffset.MinValue;
    private YahooSessionError? _lastError;

    public InProcessYahooSessionSource(YahooSessionFetcher fetcher, IOptions<YahooOptions> options, TimeProvider timeProvider,
        ILogger<InProcessYahooSessionSource> logger)
    {
        _fetcher = fetcher;
        _timeProvider = timeProvider;
        _logger = logger;
        _minInterval = options.Value.MinRefreshInterval;
        Mode = options.Value.Session;
    }

    public YahooSessionMode Mode { get; }

    public YahooSessionError? LastError => Volatile.Read(ref _lastError);

    /// <summary>Sessions obtained by this process (for tests and diagnostics).</summary>
    public int Obtained { get; private set; }

    public ValueTask<YahooSession?> GetAsync(CancellationToken cancellationToken)
    {
        if (Mode == YahooSessionMode.Off)
        {
            return ValueTask.FromResult<YahooSession?>(null);
        }

        Task<YahooSession?> refreshing;
        lock (_lock)
        {
            if (_current is { } current)
            {
                return ValueTask.FromResult<YahooSession?>(current);
            }

            if (_refreshing is null)
            {
                if (_timeProvider.GetUtcNow() < _nextAttemptAt)
                {
                    return ValueTask.FromResult<YahooSession?>(null);
                }

                // Not the caller's token: the attempt serves every waiter, and one waiter giving up must not fail the others.
                _refreshing = RefreshAsync();
            }

            refreshing = _refreshing;
        }

        return new ValueTask<YahooSession?>(refreshing.WaitAsync(cancellationToken));
    }

    public ValueTask<bool> InvalidateAsync(string version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_current is null || !string.Equals(_current.Version, version, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(false);
            }

            _current = null;
        }

        YahooLog.SessionInvalidated(_logger, version);
        return ValueTask.FromResult(true);
    }

    private async Task<YahooSession?> RefreshAsync()
    {
        // Yield first, so the lock above is released before any I/O starts.
        await Task.Yield();
        var result = await _fetcher.TryObtainAsync(CancellationToken.None);

        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            var wait = _minInterval;
            if (result.Error?.RetryAfter is { } retryAfter && retryAfter > wait)
            {
                wait = retryAfter;
            }

            _nextAttemptAt = now + wait;
            _current = result.Session;
            Volatile.Write(ref _lastError, result.Error);
            _refreshing = null;
            if (result.Session is not null)
            {
                Obtained++;
            }
        }

        if (result.Error is { } error)
        {
            YahooLog.SessionUnavailable(_logger, error.Kind, error.Message, Mode, _minInterval);
        }

        return result.Session;
    }
}
