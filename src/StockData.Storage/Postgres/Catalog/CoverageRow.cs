namespace StockData.Storage.Postgres.Catalog;

/// <summary>What the store holds and plans for one symbol and interval.</summary>
/// <param name="Status">The symbol's status: <c>active</c>, <c>not_found</c> or <c>failing</c>.</param>
/// <param name="FirstDate">Exchange-local trade date of the first stored bar; null when none is stored.</param>
/// <param name="LastDate">Exchange-local trade date of the last stored bar; null when none is stored.</param>
/// <param name="Rows">Stored bars (the trigger-kept counter of migration 0010).</param>
/// <param name="Watermark">Timestamp of the last bar of the last completed fetch.</param>
/// <param name="LastFetchAt">When a fetch last ended, successfully or not.</param>
/// <param name="LastSuccessAt">When a fetch last completed.</param>
/// <param name="NextFetchAt">When the daemon refreshes it next; null when it is not on the refresh schedule.</param>
/// <param name="ConsecutiveFailures">Failed fetches since the last success.</param>
/// <param name="RefetchPending">A full re-fetch is due (a split or dividend arrived after the watermark).</param>
public sealed record CoverageRow(
    string Symbol,
    string Interval,
    string Status,
    DateOnly? FirstDate,
    DateOnly? LastDate,
    long Rows,
    DateTimeOffset? Watermark,
    DateTimeOffset? LastFetchAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? NextFetchAt,
    int ConsecutiveFailures,
    bool RefetchPending);
