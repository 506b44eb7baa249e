using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Market;
using StockData.YahooSim.Session;
using StockData.YahooSim.Stats;

namespace StockData.YahooSim.Chart;

/// <summary>
/// <c>GET /v8/finance/chart/{symbol}</c>: the client address's and the global rate limits first (decided on arrival),
/// then the session check (<c>--auth</c>), then the request's fault, the configured latency, and the body — cached by query when the clock is fixed, since it is then a pure
/// function of the query.
/// </summary>
internal sealed class ChartHandler
{
    private readonly SimStats _stats;
    private readonly TokenBucket _bucket;
    private readonly ClientBuckets _clientBuckets;
    private readonly SessionEndpoints _sessions;
    private readonly FaultInjector _faults;
    private readonly ChartBuilder _builder;
    private readonly SimClock _clock;
    private readonly TimeProvider _timeProvider;
    private readonly SimulatorOptions _options;
    private readonly Regex _notFound;
    private readonly ConcurrentDictionary<string, ChartBody> _cache = new(StringComparer.Ordinal);
    private readonly long _cacheLimit;
    private long _cacheBytes;

    public ChartHandler(SimStats stats, TokenBucket bucket, ClientBuckets clientBuckets, SessionEndpoints sessions, FaultInjector faults, ChartBuilder builder, SimClock clock, TimeProvider timeProvider,
        IOptions<SimulatorOptions> options)
    {
        _stats = stats;
        _bucket = bucket;
        _clientBuckets = clientBuckets;
        _sessions = sessions;
        _faults = faults;
        _builder = builder;
        _clock = clock;
        _timeProvider = timeProvider;
        _options = options.Value;
        _notFound = new Regex(_options.NotFoundPattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
        _cacheLimit = _options.CacheMegabytes * 1024L * 1024L;
    }

    public async Task HandleAsync(HttpContext context, string symbol)
    {
        var requestNumber = _stats.CountSymbol(symbol);
        var aborted = context.RequestAborted;
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        _stats.ClientRequest(client);
        if (!_clientBuckets.TryTake(client, out var wait) || !_bucket.TryTake(out wait))
        {
            _stats.RateLimited();
            _stats.ClientRateLimited(client);
            await WriteAsync(context, YahooErrors.TooManyRequests, retryAfter: wait);
            return;
        }

        // The simulator's own start-up requests run the path without the session check, the configured faults and the
        // latency (a slow fault would hold the start for its whole delay).
        var warmUp = context.Request.Headers.ContainsKey(SimulatorWarmUp.Header);
        if (_options.AuthMode != SimAuthMode.None && !warmUp && _sessions.Refusal(context) is { } refusal)
        {
            _stats.Unauthorized();
            await SessionEndpoints.WriteUnauthorizedAsync(context, "chart", refusal);
            return;
        }

        var upper = symbol.ToUpperInvariant();
        var seed = SymbolProfile.SeedFor(upper, _options.Seed);
        var fault = warmUp ? FaultKind.None : _faults.Pick(seed, requestNumber);
        if (fault != FaultKind.None)
        {
            _stats.Fault(fault);
        }

        try
        {
            if (!warmUp)
            {
                await DelayAsync(aborted);
            }

            switch (fault)
            {
                case FaultKind.Reset:
                    // RequestAborted fires asynchronously after Abort(); the marker status tells the stats middleware now.
                    context.Response.StatusCode = SimStats.AbortedStatus;
                    context.Abort();
                    return;
                case FaultKind.TooManyRequests:
                    await WriteAsync(context, YahooErrors.TooManyRequests, retryAfter: _options.FaultRetryAfter);
                    return;
                case FaultKind.InternalServerError:
                    await WriteAsync(context, YahooErrors.InternalServerError);
                    return;
                case FaultKind.ServiceUnavailable:
                    await WriteAsync(context, YahooErrors.ServiceUnavailable);
                    return;
                case FaultKind.Slow:
                    await Task.Delay(_options.SlowDelay, _timeProvider, aborted);
                    break;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        var body = Body(upper, context.Request.Query, requestNumber);
        if (fault == FaultKind.Truncated && body.Status == 200)
        {
            // A new body, not `with`: a copy would carry the full body's cached gzip form.
            body = new ChartBody(body.Status, body.ContentType, body.Bytes[..(body.Bytes.Length / 2)]);
        }

        await WriteAsync(context, body);
    }

    private ChartBody Body(string symbol, IQueryCollection query, long requestNumber)
    {
        if (!IsYahooSymbol(symbol) || _notFound.IsMatch(symbol))
        {
            return YahooErrors.NotFound;
        }

        var parsed = ChartQuery.Parse(symbol, query, out var error);
        if (parsed is null)
        {
            return error!;
        }

        if (!_clock.IsFixed || _faults.DropsData)
        {
            var draw = new RequestDraw(requestNumber);
            var body = _builder.Build(parsed, _clock.Now, draw);
            _stats.Dropped(draw.DroppedDates, draw.DroppedDividends);
            return body;
        }

        var key = parsed.CacheKey;
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var built = _builder.Build(parsed, _clock.Now, new RequestDraw(requestNumber));
        if (Interlocked.Add(ref _cacheBytes, built.Bytes.Length) > _cacheLimit)
        {
            // A test tool's cache: starting afresh is simpler than LRU and costs only regeneration.
            _cache.Clear();
            Interlocked.Exchange(ref _cacheBytes, built.Bytes.Length);
        }

        return _cache.GetOrAdd(key, built);
    }

    /// <summary>The same allow-list as the client's; anything else is unknown to Yahoo and gets its 404 body.</summary>
    private static bool IsYahooSymbol(string symbol)
    {
        if (symbol.Length is 0 or > 32)
        {
            return false;
        }

        var alphanumeric = false;
        foreach (var c in symbol)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                alphanumeric = true;
            }
            else if (c is not ('^' or '.' or '-' or '=' or '_' or '&'))
            {
                return false;
            }
        }

        return alphanumeric;
    }

    private Task DelayAsync(CancellationToken cancellationToken)
    {
        var delay = _options.Latency;
        if (_options.Jitter > TimeSpan.Zero)
        {
            delay += _options.Jitter * Random.Shared.NextDouble();
        }

        return delay > TimeSpan.Zero ? Task.Delay(delay, _timeProvider, cancellationToken) : Task.CompletedTask;
    }

    private Task WriteAsync(HttpContext context, ChartBody body, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = body.Status;
        response.ContentType = body.ContentType;
        var bytes = body.Bytes;
        if (_options.Gzip && body.Status == 200 && bytes.Length >= 512 && AcceptsGzip(context.Request))
        {
            // Yahoo gzips its JSON; a client's size cap must hold for the decompressed body, not the wire length.
            bytes = body.Gzip;
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = "Accept-Encoding";
        }

        response.ContentLength = bytes.Length;
        if (retryAfter is { } delay && _options.RetryAfterHeader)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
