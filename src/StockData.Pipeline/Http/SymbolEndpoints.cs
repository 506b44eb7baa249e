using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StockData.Core;
using StockData.Storage.Postgres.Catalog;
using StockData.Storage.Postgres.Replica;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Http;

/// <summary>
/// <c>GET /symbols</c>: the universe's coverage, one row per symbol and interval (stored range, rows, last fetch, next
/// due, status), paged, filterable by <c>interval</c>, <c>status</c> and <c>scheduled</c>, JSON or CSV.
/// <c>GET /symbols/{symbol}</c>: one symbol's metadata and the coverage of its intervals; 404 when the store does not
/// know it.
/// </summary>
internal static class SymbolEndpoints
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    /// <summary>The intervals listed with one symbol: more than the store has tokens, so never cut.</summary>
    private const int IntervalsPerSymbol = 64;

    private static readonly string[] Statuses = ["active", "not_found", "failing"];

    public static RouteGroupBuilder MapSymbols(this RouteGroupBuilder group)
    {
        group.MapGet("/symbols", ListAsync).Produces<CoveragePage>(StatusCodes.Status200OK, "application/json", "text/csv");
        group.MapGet("/symbols/{symbol}", GetAsync).Produces<SymbolDocument>();
        return group;
    }

    private static async Task<IResult> ListAsync(HttpContext context, Routed<CoverageReader> reader, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (!TableFormat.TryRead(context.Request, out var csv, out var formatProblem))
        {
            return formatProblem;
        }

        if (!CatalogPaging.TryRead(context.Request, DefaultLimit, MaxLimit, out var limit, out var after, out var pagingProblem))
        {
            return pagingProblem;
        }

        var interval = query["interval"].ToString();
        if (interval.Length > 0 && !BarInterval.TryParse(interval, out _))
        {
            return ParameterProblem.For("interval", $"'{interval}' is not one of {string.Join(", ", BarInterval.Tokens)}");
        }

        var status = query["status"].ToString();
        if (status.Length > 0 && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            return ParameterProblem.For("status", $"'{status}' is not one of {string.Join(", ", Statuses)}");
        }

        var scheduledText = query["scheduled"].ToString();
        bool? scheduled = null;
        if (scheduledText.Length > 0)
        {
            if (!bool.TryParse(scheduledText, out var value))
            {
                return ParameterProblem.For("scheduled", $"'{scheduledText}' is not true or false");
            }

            scheduled = value;
        }

        var coverageQuery = new CoverageQuery(null, NullIfEmpty(interval), NullIfEmpty(status), scheduled, after, limit);
        var (rows, _) = await reader.ReadAsync(null, fresh: false, (r, token) => r.ReadAsync(coverageQuery, token), cancellationToken);
        var items = rows.Select(CoverageItem.From).ToList();
        var next = items.Count == 0 ? null : CatalogPaging.Next(items.Count, limit, new CatalogKey(items[^1].Symbol, items[^1].Interval));
        if (csv)
        {
            CatalogPaging.LinkNext(context, next);
            return CatalogCsv.Coverage(items);
        }

        return TypedResults.Ok(new CoveragePage(items, next));
    }

    private static async Task<IResult> GetAsync(string symbol, Routed<SymbolDetailReader> details, Routed<CoverageReader> coverage, CancellationToken cancellationToken)
    {
        symbol = YahooSymbol.Normalize(symbol);
        if (YahooSymbol.Problem(symbol) is { } problem)
        {
            return ParameterProblem.For("symbol", problem);
        }

        string[] symbols = [symbol];
        var (detail, _) = await details.ReadAsync(symbols, fresh: false, (r, token) => r.ReadAsync(symbol, token), cancellationToken);
        if (detail is null)
        {
            return UnknownSymbol(symbol);
        }

        var (intervals, _) = await coverage.ReadAsync(symbols, fresh: false,
            (r, token) => r.ReadAsync(new CoverageQuery(symbol, null, null, null, null, IntervalsPerSymbol), token), cancellationToken);
        return TypedResults.Ok(new SymbolDocument(detail.Symbol, detail.Currency, detail.InstrumentType, detail.ExchangeName, detail.ExchangeTimezone,
            detail.FirstTradeDate?.UtcDateTime, detail.Status, detail.LastError, detail.AddedAt.UtcDateTime, detail.UpdatedAt.UtcDateTime,
            intervals.Select(CoverageItem.From).ToList()));
    }

    /// <summary>The 404 for a symbol the store has no row for; <c>parameter</c> names the path parameter.</summary>
    public static IResult UnknownSymbol(string symbol) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol",
        detail: $"The store has no symbol {symbol} (add it with `stockdata symbols add`, or fetch it once).",
        extensions: new Dictionary<string, object?> { ["parameter"] = "symbol" });

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
