using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Ingest.Sources;
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

    public static RouteGroupBuilder MapBars(this RouteGroupBuilder group)
    {
        group.MapGet("/bars/{symbol}", (string symbol, HttpRequest request, BarRefresher refresher, IOptions<HttpApiOptions> options, TimeProvider clock,
            CancellationToken cancellationToken) => GetAsync([YahooSymbol.Normalize(symbol)], "symbol", true, request, refresher, options.Value, clock, cancellationToken));
        group.MapGet("/bars", (HttpRequest request, BarRefresher refresher, IOptions<HttpApiOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var list = request.Query["symbols"].ToString();
            if (list.Length == 0)
            {
                return Task.FromResult(ParameterProblem.For("symbols", "a comma-separated list of symbols is required"));
            }

            var symbols = list.Split(',', StringSplitOptions.TrimEntries).Select(YahooSymbol.Normalize).Distinct(StringComparer.Ordinal).ToList();
            return symbols.Count > options.Value.MaxSymbolsPerRequest
                ? Task.FromResult(ParameterProblem.For("symbols", $"at most {options.Value.MaxSymbolsPerRequest} symbols per request"))
                : GetAsync(symbols, "symbols", false, request, refresher, options.Value, clock, cancellationToken);
        });
        return group;
    }

    private static async Task<IResult> GetAsync(IReadOnlyList<string> symbols, string symbolParameter, bool single, HttpRequest request,
        BarRefresher refresher, HttpApiOptions options, TimeProvider clock, CancellationToken cancellationToken)
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

        var csv = request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);
        return new BarsStreamResult(symbols, interval, from, to, asOf, adjust, csv, single);
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
