using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>
/// One fetch's part of a batch: the bar offsets it covers, whether it ends the fetch, and the newest split or
/// dividend among its events (what may reveal that the stored history needs a full re-fetch).
/// </summary>
public sealed record FetchSpan(
    long FetchId,
    string Symbol,
    BarInterval Interval,
    bool IsFullHistory,
    int FirstOffset,
    int EndOffset,
    bool ContainsLast,
    DateTimeOffset? NewestActionAt,
    string? NewestActionReason)
{
    /// <summary>A whole fetch in one batch: nothing to order against.</summary>
    public bool IsWholeFetch => FirstOffset == 0 && ContainsLast;
}
