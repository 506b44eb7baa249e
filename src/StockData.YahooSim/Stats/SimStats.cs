using System.Collections.Concurrent;
using System.Text.Json;
using StockData.YahooSim.Faults;

namespace StockData.YahooSim.Stats;

/// <summary>
/// What the simulator saw, for <c>GET /sim/stats</c>: requests, responses by status, 429s, peak concurrency, requests
/// per symbol and the raw request paths (as received, for the path-injection tests). Lock-free counters: the
/// bookkeeping must not cost the 5,000 requests/s the simulator is sized for.
/// </summary>
internal sealed class SimStats(TimeProvider time)
{
    /// <summary>Distinct paths kept; beyond it only <c>paths_not_recorded</c> grows, so a long run cannot exhaust memory.</summary>
    public const int MaxDistinctPaths = 20_000;

    /// <summary>Chart requests kept in the arrival log; beyond it the oldest go (a 60 s benchmark at 40/s is 2,400).</summary>
    public const int MaxArrivals = 100_000;

    /// <summary>The status a handler sets before aborting a connection (nginx's "client closed request"); never sent.</summary>
    public const int AbortedStatus = 499;

    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private readonly ConcurrentDictionary<string, long> _perSymbol = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FaultKind, long> _faults = new();
    private readonly ConcurrentQueue<(double AtMilliseconds, int Status, string Client)> _arrivals = new();
    private readonly long _started = time.GetTimestamp();
    private long _total;
    private long _aborted;
    private long _rateLimited;
    private long _inFlight;
    private long _peak;
    private long _pathsNotRecorded;
    private long _droppedDates;
    private long _droppedDividends;
    private long _cookieRequests;
    private long _getcrumbRequests;
    private long _getcrumbThrottled;
    private long _consentPosts;
    private long _unauthorized;
    private long _sessionsIssued;
    private readonly ConcurrentDictionary<string, long> _perClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _perClient429 = new(StringComparer.Ordinal);

    public void RequestStarted(string rawPath)
    {
        Interlocked.Increment(ref _total);
        var current = Interlocked.Increment(ref _inFlight);
        long peak;
        while (current > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, peak) != peak)
        {
        }

        if (_paths.Count < MaxDistinctPaths || _paths.ContainsKey(rawPath))
        {
            _paths.AddOrUpdate(rawPath, 1, static (_, n) => n + 1);
        }
        else
        {
            Interlocked.Increment(ref _pathsNotRecorded);
        }
    }

    /// <summary>Chart requests being handled now (their arrival not logged yet).</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Milliseconds since the simulator started, on the monotonic clock the arrival log uses.</summary>
    public double ElapsedMilliseconds() => time.GetElapsedTime(_started).TotalMilliseconds;

    /// <summary>
    /// Logs a chart request's arrival time (from <see cref="ElapsedMilliseconds"/>) with its final status and the client
    /// address it came from (the connection's remote address, the one <c>--rate-per-client</c> limits).
    /// </summary>
    public void Arrival(double atMilliseconds, int status, string client = "unknown")
    {
        _arrivals.Enqueue((atMilliseconds, status, client));
        while (_arrivals.Count > MaxArrivals && _arrivals.TryDequeue(out _))
        {
        }
    }

    public void RequestEnded(int status, bool aborted)
    {
        Interlocked.Decrement(ref _inFlight);
        if (aborted || status == AbortedStatus)
        {
            Interlocked.Increment(ref _aborted);
        }
        else
        {
            _byStatus.AddOrUpdate(status, 1, static (_, n) => n + 1);
        }
    }

    /// <summary>Counts a request for <paramref name="symbol"/> and returns its number (1 for the first since start or reset).</summary>
    public long CountSymbol(string symbol) => _perSymbol.AddOrUpdate(symbol, 1, static (_, n) => n + 1);

    public void RateLimited() => Interlocked.Increment(ref _rateLimited);

    public void Fault(FaultKind kind) => _faults.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    public void Dropped(int dates, int dividends)
    {
        Interlocked.Add(ref _droppedDates, dates);
        Interlocked.Add(ref _droppedDividends, dividends);
    }

    /// <summary>A visit to a page that hands out the session cookie (<c>/</c>, <c>/quote/{symbol}</c>).</summary>
    public void CookieRequest() => Interlocked.Increment(ref _cookieRequests);

    public void GetcrumbRequest() => Interlocked.Increment(ref _getcrumbRequests);

    public void GetcrumbThrottled() => Interlocked.Increment(ref _getcrumbThrottled);

    public void ConsentPost() => Interlocked.Increment(ref _consentPosts);

    /// <summary>A 401 for a missing, stale or mismatched cookie or crumb (chart or getcrumb).</summary>
    public void Unauthorized() => Interlocked.Increment(ref _unauthorized);

    public void SessionIssued() => Interlocked.Increment(ref _sessionsIssued);

    /// <summary>Counts a chart request from a client address (and its 429 by the global or the per-client limit).</summary>
    public void ClientRequest(string client) => _perClient.AddOrUpdate(client, 1, static (_, n) => n + 1);

    public void ClientRateLimited(string client) => _perClient429.AddOrUpdate(client, 1, static (_, n) => n + 1);

    public void Reset()
    {
        _perClient.Clear();
        _perClient429.Clear();
        Interlocked.Exchange(ref _cookieRequests, 0);
        Interlocked.Exchange(ref _getcrumbRequests, 0);
        Interlocked.Exchange(ref _getcrumbThrottled, 0);
        Interlocked.Exchange(ref _consentPosts, 0);
        Interlocked.Exchange(ref _unauthorized, 0);
        Interlocked.Exchange(ref _sessionsIssued, 0);
        _byStatus.Clear();
        _perSymbol.Clear();
        _paths.Clear();
        _faults.Clear();
        _arrivals.Clear();
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _aborted, 0);
        Interlocked.Exchange(ref _rateLimited, 0);
        Interlocked.Exchange(ref _peak, Interlocked.Read(ref _inFlight));
        Interlocked.Exchange(ref _pathsNotRecorded, 0);
        Interlocked.Exchange(ref _droppedDates, 0);
        Interlocked.Exchange(ref _droppedDividends, 0);
    }

    /// <summary>
    /// The snapshot as JSON (snake_case, keys sorted): <c>total_requests</c>, <c>responses_by_status</c>,
    /// <c>aborted</c>, <c>responses_429</c> (all 429s), <c>rate_limited_429</c>, <c>faults</c>, <c>in_flight</c>,
    /// <c>peak_concurrent</c>, <c>per_symbol</c>, <c>paths</c>, <c>paths_not_recorded</c>, <c>dropped_dates</c>, <c>dropped_dividends</c>,
    /// the session's <c>cookie_requests</c>, <c>getcrumb_requests</c>, <c>getcrumb_throttled</c>, <c>consent_posts</c>,
    /// <c>unauthorized_responses</c>, <c>sessions_issued</c>, chart requests per client address <c>per_client</c> and their
    /// 429s <c>per_client_429</c>, <c>now_ms</c> and <c>arrivals</c> (<c>[ms since start, status, client address]</c> per chart request in arrival order, the last
    /// <see cref="MaxArrivals"/>; aborted requests have status 499).
    /// </summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("total_requests", Interlocked.Read(ref _total));
        writer.WriteStartObject("responses_by_status");
        foreach (var (status, count) in _byStatus.OrderBy(p => p.Key))
        {
            writer.WriteNumber(status.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
        }

        writer.WriteEndObject();
        writer.WriteNumber("aborted", Interlocked.Read(ref _aborted));
        writer.WriteNumber("responses_429", _byStatus.GetValueOrDefault(429));
        writer.WriteNumber("rate_limited_429", Interlocked.Read(ref _rateLimited));
        writer.WriteStartObject("faults");
        foreach (var (kind, count) in _faults.OrderBy(p => p.Key))
        {
            writer.WriteNumber(FaultName(kind), count);
        }

        writer.WriteEndObject();
        writer.WriteNumber("in_flight", Interlocked.Read(ref _inFlight));
        writer.WriteNumber("peak_concurrent", Interlocked.Read(ref _peak));
        writer.WriteStartObject("per_symbol");
        foreach (var (symbol, count) in _perSymbol.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(symbol, count);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("paths");
        foreach (var (path, count) in _paths.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(path, count);
        }

        writer.WriteEndObject();
        writer.WriteNumber("paths_not_recorded", Interlocked.Read(ref _pathsNotRecorded));
        writer.WriteNumber("dropped_dates", Interlocked.Read(ref _droppedDates));
        writer.WriteNumber("dropped_dividends", Interlocked.Read(ref _droppedDividends));
        writer.WriteNumber("cookie_requests", Interlocked.Read(ref _cookieRequests));
        writer.WriteNumber("getcrumb_requests", Interlocked.Read(ref _getcrumbRequests));
        writer.WriteNumber("getcrumb_throttled", Interlocked.Read(ref _getcrumbThrottled));
        writer.WriteNumber("consent_posts", Interlocked.Read(ref _consentPosts));
        writer.WriteNumber("unauthorized_responses", Interlocked.Read(ref _unauthorized));
        writer.WriteNumber("sessions_issued", Interlocked.Read(ref _sessionsIssued));
        WriteCounts(writer, "per_client", _perClient);
        WriteCounts(writer, "per_client_429", _perClient429);
        writer.WriteNumber("now_ms", Math.Round(ElapsedMilliseconds(), 3));
        writer.WriteStartArray("arrivals");
        foreach (var (at, status, client) in _arrivals.ToArray().OrderBy(a => a.AtMilliseconds))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(Math.Round(at, 3));
            writer.WriteNumberValue(status);
            writer.WriteStringValue(client);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter writer, string name, ConcurrentDictionary<string, long> counts)
    {
        writer.WriteStartObject(name);
        foreach (var (key, count) in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(key, count);
        }

        writer.WriteEndObject();
    }

    private static string FaultName(FaultKind kind) => kind switch
    {
        FaultKind.TooManyRequests => "429",
        FaultKind.InternalServerError => "500",
        FaultKind.ServiceUnavailable => "503",
        FaultKind.Truncated => "truncated",
        FaultKind.Slow => "slow",
        FaultKind.Reset => "reset",
        _ => "none",
    };
}
