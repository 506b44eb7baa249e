using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Ingest.Sources;
using StockData.Storage.Postgres.Reading;
using StockData.Storage.Postgres.Replica;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Http;

/// <summary>
/// <c>GET /bars/{symbol}</c> and <c>GET /bars?symbols=A,B,…</c>: stored bars as JSON, or CSV with <c>Accept: text/csv</c>.
/// Query: <c>interval</c> (default 1d), <c>from</c>, <c>to</c> (ISO-8601 dates or times; daily intervals filter on the
/// trade date, both ends inclusive; intraday on the timestamp, to exclusive), <c>as_of</c> (what the store held then),
/// <c>adjust</c> (<c>none</c>, the default: the stored values; <c>splits</c>; <c>all</c>: splits and distributions, see
/// <see cref="PriceAdjuster"/>), <c>refresh</c> (<c>true</c>: bring the symbols up to date first). Each bad parameter
/// gets a 400 naming it.
/// </summary>
internal static class BarEndpoints
{
    /// <summary>Symbols refreshed at once by one multi-symbol request (the rate limiter sets the real pace).</summary>
    private const int RefreshParallelism = 4;

    /// <summary>Unknown symbols named in a 400's detail (all of them are in its <c>unknown_symbols</c>).</summary>
    private const int MaxNamed = 5;

    public static RouteGroupBuilder MapBars(this RouteGroupBuilder group)
    {
        group.MapGet("/bars/{symbol}", (string symbol, HttpRequest request, BarRefresher refresher, Routed<BarReader> reader, IOptions<HttpApiOptions> options, TimeProvider clock,
            CancellationToken cancellationToken) => GetAsync([YahooSymbol.Normalize(symbol)], "symbol", true, request, refresher, reader, options.Value, clock, cancellationToken));
        group.MapGet("/bars", (HttpRequest request, BarRefresher refresher, Routed<BarReader> reader, IOptions<HttpApiOptions> options, TimeProvider clock,
            CancellationToken cancellationToken) =>
        {
            var list = request.Query["symbols"].ToString();
            if (list.Length == 0)
            {
                return Task.FromResult(ParameterProblem.For("symbols", "a comma-separated list of symbols is required"));
            }

            var symbols = list.Split(',', StringSplitOptions.TrimEntries).Select(YahooSymbol.Normalize).Distinct(StringComparer.Ordinal).ToList();
            return symbols.Count > options.Value.MaxSymbolsPerRequest
                ? Task.FromResult(ParameterProblem.For("symbols", $"at most {options.Value.MaxSymbolsPerRequest} symbols per request"))
                : GetAsync(symbols, "symbols", false, request, refresher, reader, options.Value, clock, cancellationToken);
        });
        return group;
    }

    private static async Task<IResult> GetAsync(IReadOnlyList<string> symbols, string symbolParameter, bool single, HttpRequest request,
        BarRefresher refresher, Routed<BarReader> reader, HttpApiOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        foreach (var symbol in symbols)
        {
            if (YahooSymbol.Problem(symbol) is { } problem)
            {
                return ParameterProblem.For(symbolParameter, problem);
            }
        }

        var query = request.Query;
        var intervalText = query["interval"].ToString();
        var interval = BarInterval.Daily;
        if (intervalText.Length > 0 && !BarInterval.TryParse(intervalText, out interval))
        {
            return ParameterProblem.For("interval", $"'{intervalText}' is not one of {string.Join(", ", BarInterval.Tokens)}");
        }

        if (!TryTime(query["from"].ToString(), "from", out var from, out var fromProblem))
        {
            return fromProblem;
        }

        if (!TryTime(query["to"].ToString(), "to", out var to, out var toProblem))
        {
            return toProblem;
        }

        if (from is not null && to is not null && from > to)
        {
            return ParameterProblem.For("from", "from must not be after to");
        }

        if (!TryTime(query["as_of"].ToString(), "as_of", out var asOf, out var asOfProblem))
        {
            return asOfProblem;
        }

        if (asOf is { } time && time > clock.GetUtcNow())
        {
            // Answered as if now, it would look like a promise about the future: say so instead.
            return ParameterProblem.For("as_of", "as_of is in the future; the store cannot say what it will hold");
        }

        var adjustText = query["adjust"].ToString();
        var adjust = PriceAdjustment.None;
        if (adjustText.Length > 0 && !PriceAdjustments.TryParse(adjustText, out adjust))
        {
            return ParameterProblem.For("adjust", $"'{adjustText}' is not one of {string.Join(", ", PriceAdjustments.Tokens)}");
        }

        var refreshText = query["refresh"].ToString();
        if (refreshText.Length > 0 && !bool.TryParse(refreshText, out _))
        {
            return ParameterProblem.For("refresh", $"'{refreshText}' is not true or false");
        }

        var refresh = refreshText.Length > 0 && bool.Parse(refreshText);
        if (refresh && asOf is not null)
        {
            return ParameterProblem.For("refresh", "refresh=true asks for the current data; it cannot be combined with as_of");
        }

        if (refresh && await RefreshAsync(symbols, symbolParameter, interval, refresher, options, cancellationToken) is { } failure)
        {
            return failure;
        }

        // Without refresh, a symbol the store has never heard of is most likely a typo: an empty 200 would hide it.
        // (With refresh=true the fetch above has either stored it or answered 404 from the upstream.)
        // The bars come from the server that answered that check (the primary after a refresh: it holds what was just
        // written; see ReadRouter for the standby's rules).
        BarReader bars;
        if (refresh)
        {
            (bars, _) = await reader.PickAsync(symbols, fresh: true, cancellationToken);
        }
        else
        {
            var (unknown, target) = await UnknownAsync(symbols, symbolParameter, single, reader, cancellationToken);
            if (unknown is not null)
            {
                return unknown;
            }

            bars = reader.For(target);
        }

        var csv = request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);
        return new BarsStreamResult(symbols, interval, from, to, asOf, adjust, csv, single, bars);
    }

    /// <summary>Refreshes every symbol (a few at a time); the first failure becomes the answer, else null.</summary>
    private static async Task<IResult?> RefreshAsync(IReadOnlyList<string> symbols, string symbolParameter, BarInterval interval,
        BarRefresher refresher, HttpApiOptions options, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RefreshTimeout);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<(string Symbol, RefreshOutcome Outcome)>();
        try
        {
            await Parallel.ForEachAsync(symbols, new ParallelOptions { MaxDegreeOfParallelism = RefreshParallelism, CancellationToken = deadline.Token },
                async (symbol, token) =>
                {
                    var outcome = await refresher.RefreshAsync(symbol, interval, token);
                    if (!outcome.Succeeded)
                    {
                        failures.Enqueue((symbol, outcome));
                    }
                });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "Refresh timed out",
                detail: $"The upstream fetch did not finish within {options.RefreshTimeout}; it goes on, try again shortly.");
        }

        if (!failures.TryPeek(out var failure))
        {
            return null;
        }

        var (symbolFailed, result) = failure;
        return result.Category switch
        {
            "not_found" => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Symbol not found",
                detail: $"The upstream does not know {symbolFailed}.", extensions: Extensions(symbolFailed, result)),
            "bad_request" => ParameterProblem.For(symbolParameter, $"{symbolFailed}: {result.Detail}"),
            RefreshOutcome.StoreUnavailable => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable",
                detail: result.Detail, extensions: Extensions(symbolFailed, result)),
            _ => Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Refresh failed",
                detail: $"{symbolFailed}: {result.Category}: {result.Detail}", extensions: Extensions(symbolFailed, result)),
        };
    }

    /// <summary>
    /// Null when the store knows every symbol; else, for <c>/bars/{symbol}</c> the 404 <c>/symbols/{symbol}</c> gives
    /// (the path names a resource that does not exist), for <c>/bars?symbols=</c> a 400 naming the parameter and the
    /// unknown symbols; 503 when the store cannot be asked.
    /// </summary>
    private static async Task<(IResult? Problem, ReadTarget Target)> UnknownAsync(IReadOnlyList<string> symbols, string symbolParameter, bool single,
        Routed<BarReader> reader, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> unknown;
        ReadTarget target;
        try
        {
            (unknown, target) = await reader.ReadAsync(symbols, fresh: false, (r, token) => r.UnknownAsync(symbols, token), cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return (Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable", detail: ex.Message), ReadTarget.Primary);
        }

        if (unknown.Count == 0)
        {
            return (null, target);
        }

        if (single)
        {
            return (SymbolEndpoints.UnknownSymbol(unknown[0]), target);
        }

        var named = string.Join(", ", unknown.Take(MaxNamed)) + (unknown.Count > MaxNamed ? $" and {unknown.Count - MaxNamed} more" : "");
        return (Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid parameter '{symbolParameter}'",
            detail: $"{symbolParameter}: unknown symbol{(unknown.Count > 1 ? "s" : "")} {named} (not in the universe and no bars stored; add with `stockdata symbols add`, or ask with refresh=true)",
            extensions: new Dictionary<string, object?> { ["parameter"] = symbolParameter, ["unknown_symbols"] = unknown.ToArray() }), target);
    }

    private static Dictionary<string, object?> Extensions(string symbol, RefreshOutcome outcome) =>
        new() { ["symbol"] = symbol, ["category"] = outcome.Category };

    private static bool TryTime(string text, string parameter, out DateTimeOffset? value, out IResult problem)
    {
        value = null;
        problem = Results.Empty;
        if (SymbolFileReader.TryDate(text, ref value, out var error))
        {
            return true;
        }

        problem = ParameterProblem.For(parameter, error!);
        return false;
    }
}
