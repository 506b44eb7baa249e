using StockData.Storage.Postgres.Catalog;

namespace StockData.Pipeline.Http;

// The JSON bodies of the catalog endpoints (snake_case, HttpApiServiceCollectionExtensions). Times are UTC DateTimes,
// so they are written with a Z like the bars' ts; dates are exchange-local trade or ex-dates.

/// <summary>A page of <c>GET /symbols</c>: one item per symbol and interval; <c>next_cursor</c> null on the last page.</summary>
internal sealed record CoveragePage(IReadOnlyList<CoverageItem> Items, string? NextCursor);

/// <summary>What the store holds and plans for one symbol and interval.</summary>
/// <param name="Scheduled">On the daemon's refresh schedule (then <see cref="NextFetchAt"/> says when).</param>
internal sealed record CoverageItem(
    string Symbol,
    string Interval,
    string Status,
    DateOnly? FirstDate,
    DateOnly? LastDate,
    long Rows,
    DateTime? Watermark,
    DateTime? LastFetchAt,
    DateTime? LastSuccessAt,
    DateTime? NextFetchAt,
    bool Scheduled,
    int ConsecutiveFailures,
    bool RefetchPending)
{
    public static CoverageItem From(CoverageRow row) => new(row.Symbol, row.Interval, row.Status, row.FirstDate, row.LastDate, row.Rows,
        row.Watermark?.UtcDateTime, row.LastFetchAt?.UtcDateTime, row.LastSuccessAt?.UtcDateTime, row.NextFetchAt?.UtcDateTime,
        row.NextFetchAt is not null, row.ConsecutiveFailures, row.RefetchPending);
}

/// <summary><c>GET /symbols/{symbol}</c>: the symbol's metadata and status, and the coverage of each of its intervals.</summary>
internal sealed record SymbolDocument(
    string Symbol,
    string? Currency,
    string? InstrumentType,
    string? Exchange,
    string? Timezone,
    DateTime? FirstTradeDate,
    string Status,
    string? LastError,
    DateTime AddedAt,
    DateTime UpdatedAt,
    IReadOnlyList<CoverageItem> Intervals);

/// <summary>A page of <c>GET /symbols/{symbol}/events</c>.</summary>
internal sealed record EventPage(string Symbol, DateTime? AsOf, IReadOnlyList<EventItem> Events, string? NextCursor);

/// <summary>One corporate action: <c>amount</c> for dividends and capital gains, <c>numerator</c>/<c>denominator</c> for splits.</summary>
internal sealed record EventItem(string Type, DateOnly ExDate, DateTime Ts, double? Amount, double? Numerator, double? Denominator, DateTime RecordedAt)
{
    public static EventItem From(CorporateEvent e) =>
        new(e.Type, e.ExDate, e.Timestamp.UtcDateTime, e.Amount, e.Numerator, e.Denominator, e.RecordedAt.UtcDateTime);
}
