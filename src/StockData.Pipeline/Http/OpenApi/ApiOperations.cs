using StockData.Pipeline.Jobs;

namespace StockData.Pipeline.Http.OpenApi;

/// <summary>
/// The description of every routed endpoint, keyed <c>METHOD /pattern</c> as ApiExplorer names it. One table, so an
/// endpoint's documentation is found in one place, and an endpoint missing from it shows in the document without a
/// summary, which the OpenAPI test refuses. The error wording matches docs/http-api.md.
/// </summary>
internal static class ApiOperations
{
    private static readonly ProblemDoc BadParameter = new(400, "a bad parameter: the problem's `parameter` names it and `detail` says why");
    private static readonly ProblemDoc UnknownSymbol = new(404, "the store has no such symbol (`parameter` is `symbol`)");

    private static readonly QueryParameterDoc Interval = new("interval", "Bar interval: 1m, 2m, 5m, 15m, 30m, 60m, 90m, 1h, 1d, 5d, 1wk, 1mo, 3mo (default 1d).", Example: "1d");
    private static readonly QueryParameterDoc From = new("from", "Start, ISO-8601 date or time (UTC unless an offset is given); daily intervals and events compare dates, both ends inclusive.", Example: "2020-01-01");
    private static readonly QueryParameterDoc To = new("to", "End, ISO-8601 date or time; inclusive for dates, exclusive for intraday timestamps.", Example: "2024-12-31");
    private static readonly QueryParameterDoc AsOf = new("as_of", "Answer with what the store held at this time (ISO-8601).");
    private static readonly QueryParameterDoc Adjust = new("adjust",
        "none (default: the prices as stored), splits (OHLC scaled by the splits after each bar, volume inversely), or all (splits and dividends/capital gains, consistent with adj_close); events recorded after as_of are not applied.",
        Example: "all");
    private static readonly QueryParameterDoc Format = new("format", "csv or json (default: JSON, or CSV with Accept: text/csv).", Example: "csv");
    private static readonly QueryParameterDoc Cursor = new("cursor", "Where the page starts: the next_cursor of the previous page (or the Link rel=next of a CSV page).");

    private const string Json = "application/json";
    private const string Csv = "text/csv";

    private static readonly SuccessDoc BarsBody = new(200,
        "JSON {symbol, currency, instrument_type, exchange, timezone, interval, as_of, bars:[{ts, date, open, high, low, close, adj_close, volume}]} " +
        "(several symbols: {interval, as_of, symbols:[…]}), or CSV symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume.", Json, Csv);

    private static readonly ProblemDoc[] SymbolBarProblems =
    [
        BadParameter,
        new(404, "without refresh: the store has no such symbol (not in the universe, no bars stored; `parameter` is `symbol`); " +
                 "with refresh=true: the upstream does not know the symbol"),
        new(502, "refresh=true: the upstream fetch failed; `category` says how"),
        new(503, "the store is unavailable (before the first byte), or during a refresh"),
        new(504, "refresh=true: the fetch did not finish within RefreshTimeout"),
    ];

    private static readonly ProblemDoc[] BarProblems =
    [
        BadParameter,
        new(400, "without refresh: a symbol the store knows nothing of (not in the universe, no bars stored): `parameter` is `symbols`, " +
                 "`detail` and `unknown_symbols` name them"),
        new(404, "refresh=true: the upstream does not know the symbol"),
        new(502, "refresh=true: the upstream fetch failed; `category` says how"),
        new(503, "the store is unavailable (before the first byte), or during a refresh"),
        new(504, "refresh=true: the fetch did not finish within RefreshTimeout"),
    ];

    private static readonly Dictionary<string, OperationDoc> Operations = new(StringComparer.Ordinal)
    {
        ["GET /bars/{symbol}"] = new("Stored bars of one symbol",
            "JSON (with the symbol's currency, instrument type, exchange and time zone) or CSV with Accept: text/csv, streamed in constant memory.",
            [Interval, From, To, AsOf, Adjust, new("refresh", "true: bring the symbol up to date first (cannot be combined with as_of).")],
            SymbolBarProblems, BarsBody),
        ["GET /bars"] = new("Stored bars of several symbols",
            "The same as GET /bars/{symbol} for up to MaxSymbolsPerRequest symbols; CSV has one row per bar with its symbol.",
            [new("symbols", "Comma-separated symbols (required).", Required: true, Example: "AAPL,MSFT"), Interval, From, To, AsOf, Adjust,
             new("refresh", "true: bring the symbols up to date first (cannot be combined with as_of).")],
            BarProblems, BarsBody),
        ["POST /jobs"] = new("Submit a fetch job",
            "Body {\"symbols\":[…],\"interval\":\"1d\",\"from\":…,\"to\":…,\"priority\":\"high\"|\"normal\"}, at most 4 MiB; 201 with the job and Location: /jobs/{id}.",
            [], [BadParameter], new(201, "The job, the same JSON as `stockdata jobs show`.", Json),
            Body: "{\"symbols\":[…] (required, at most 100,000), \"interval\", \"from\", \"to\" (ISO-8601), \"priority\": \"high\" or \"normal\"}"),
        ["GET /jobs/{id}"] = new("A fetch job", "The job and its items' counts, the same JSON as `stockdata jobs show`.",
            [], [BadParameter, new(404, "there is no such job")], new(200, "The job.", Json)),
        ["GET /jobs"] = new("Recent fetch jobs",
            "The newest jobs first, each the same JSON as GET /jobs/{id}.",
            [new("status", "Only jobs with this status: pending, running, done, failed or cancelled."),
             new("limit", $"Jobs to list, 1 to {JobJson.MaxListLimit} (default 20).")],
            [BadParameter], new(200, "{jobs:[…]}.", Json)),
        ["DELETE /jobs/{id}"] = new("Cancel a fetch job",
            "Items not started are dropped and never fetched; the ones in flight finish with their own outcome; the job shows cancelled.",
            [], [BadParameter, new(404, "there is no such job"), new(409, "the job had finished already (done, failed or cancelled)")],
            new(200, "The cancelled job.", Json)),
        ["GET /symbols"] = new("The universe's coverage",
            "One row per symbol and interval: stored range, rows, last fetch, next due, status; keyset-paged in (symbol, interval) order.",
            [Interval, new("status", "Only symbols with this status: active, not_found or failing."),
             new("scheduled", "true: only rows on the daemon's refresh schedule; false: only rows off it."),
             new("limit", $"Rows per page, 1 to {SymbolEndpoints.MaxLimit} (default {SymbolEndpoints.DefaultLimit})."), Cursor, Format],
            [BadParameter], new(200, "A page: items and next_cursor (JSON), or CSV rows with a Link rel=next header while more follow.", Json, Csv)),
        ["GET /symbols/{symbol}"] = new("One symbol's metadata",
            "Currency (verbatim: GBp is pence), instrument type, exchange, time zone, first trade date, status, and the coverage of each interval.",
            [], [BadParameter, UnknownSymbol], new(200, "The symbol's row and its intervals.", Json)),
        ["GET /symbols/{symbol}/events"] = new("A symbol's corporate actions",
            "Dividends, splits and capital gains in (ex-date, type) order, paged; as_of counts the events whose values were recorded by then.",
            [new("types", "Comma-separated: dividends, splits, capital_gains (default all).", Example: "dividends,splits"),
             From with { Description = "First ex-date (inclusive), ISO-8601 date." }, To with { Description = "Last ex-date (inclusive), ISO-8601 date." },
             AsOf with { Description = "Answer with what the store held at this time (ISO-8601); not in the future." },
             new("limit", $"Events per page, 1 to {EventEndpoints.MaxLimit} (default {EventEndpoints.DefaultLimit})."), Cursor, Format],
            [BadParameter, UnknownSymbol, new(400, "types names an unknown type, from is after to, or as_of is in the future")],
            new(200, "A page: events and next_cursor (JSON), or CSV rows with a Link rel=next header while more follow.", Json, Csv)),
    };

    public static OperationDoc? Find(string method, string relativePath) =>
        Operations.GetValueOrDefault($"{method} /{relativePath}");
}
