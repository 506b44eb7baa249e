using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StockData.Ingest.Sources;
using StockData.Storage.Postgres.Catalog;
using StockData.Storage.Postgres.Replica;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Http;

/// <summary>
/// <c>GET /symbols/{symbol}/events?types=dividends,splits,capital_gains&amp;from&amp;to&amp;as_of</c>: a symbol's stored
/// corporate actions in (ex-date, type) order, paged, JSON or CSV. <c>from</c>/<c>to</c> bound the exchange-local
/// ex-date, both inclusive; <c>as_of</c> answers what the store held then (see <see cref="EventReader"/>).
/// </summary>
internal static class EventEndpoints
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10000;

    private static readonly Dictionary<string, EventTypes> TypeNames = new(StringComparer.Ordinal)
    {
        ["dividends"] = EventTypes.Dividends,
        ["splits"] = EventTypes.Splits,
        ["capital_gains"] = EventTypes.CapitalGains,
    };

    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder group)
    {
        group.MapGet("/symbols/{symbol}/events", GetAsync).Produces<EventPage>(StatusCodes.Status200OK, "application/json", "text/csv");
        return group;
    }

    private static async Task<IResult> GetAsync(string symbol, HttpContext context, Routed<EventReader> reader, TimeProvider clock, CancellationToken cancellationToken)
    {
        symbol = YahooSymbol.Normalize(symbol);
        if (YahooSymbol.Problem(symbol) is { } symbolProblem)
        {
            return ParameterProblem.For("symbol", symbolProblem);
        }

        var request = context.Request;
        if (!TableFormat.TryRead(request, out var csv, out var formatProblem))
        {
            return formatProblem;
        }

        if (!CatalogPaging.TryRead(request, DefaultLimit, MaxLimit, out var limit, out var after, out var pagingProblem))
        {
            return pagingProblem;
        }

        if (after is not null && !DateOnly.TryParseExact(after.First, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return ParameterProblem.For("cursor", "not a cursor this endpoint returned (pass next_cursor unchanged)");
        }

        var types = EventTypes.None;
        var typesText = request.Query["types"].ToString();
        foreach (var name in typesText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TypeNames.TryGetValue(name, out var type))
            {
                return ParameterProblem.For("types", $"'{name}' is not one of {string.Join(", ", TypeNames.Keys)}");
            }

            types |= type;
        }

        if (typesText.Length > 0 && types == EventTypes.None)
        {
            return ParameterProblem.For("types", $"name at least one of {string.Join(", ", TypeNames.Keys)}, or leave it out for all");
        }

        if (!TryTime(request, "from", out var from, out var problem) || !TryTime(request, "to", out var to, out problem)
            || !TryTime(request, "as_of", out var asOf, out problem))
        {
            return problem;
        }

        if (from is not null && to is not null && from > to)
        {
            return ParameterProblem.For("from", "from must not be after to");
        }

        if (asOf is { } time && time > clock.GetUtcNow())
        {
            return ParameterProblem.For("as_of", "as_of is in the future; the store cannot say what it will hold");
        }

        var query = new EventQuery(symbol, types == EventTypes.None ? EventTypes.All : types, Date(from), Date(to), asOf, after, limit);
        var (events, _) = await reader.ReadAsync([symbol], fresh: false, (r, token) => r.ReadAsync(query, token), cancellationToken);
        if (events is null)
        {
            return SymbolEndpoints.UnknownSymbol(symbol);
        }

        var items = events.Select(EventItem.From).ToList();
        var next = items.Count == 0 ? null
            : CatalogPaging.Next(items.Count, limit, new CatalogKey(items[^1].ExDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), items[^1].Type));
        if (csv)
        {
            CatalogPaging.LinkNext(context, next);
            return CatalogCsv.Events(symbol, items);
        }

        return TypedResults.Ok(new EventPage(symbol, asOf?.UtcDateTime, items, next));
    }

    /// <summary>Ex-dates are dates: a date-time bound counts by its UTC date, as the daily bars' bounds do.</summary>
    private static DateOnly? Date(DateTimeOffset? time) => time is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null;

    private static bool TryTime(HttpRequest request, string parameter, out DateTimeOffset? value, out IResult problem)
    {
        value = null;
        problem = Results.Empty;
        if (SymbolFileReader.TryDate(request.Query[parameter].ToString(), ref value, out var error))
        {
            return true;
        }

        problem = ParameterProblem.For(parameter, error!);
        return false;
    }
}
