namespace StockData.Core;

/// <summary>A fetch whose last chunk committed, as the store now records it.</summary>
/// <param name="FetchId">The fetch, as in its chunks.</param>
/// <param name="Symbol">The symbol.</param>
/// <param name="Interval">The interval.</param>
/// <param name="WatermarkMoved">True when every chunk of the fetch committed, so the watermark was set to the last
/// stored bar; false when an earlier chunk failed (the rows committed, the watermark stayed put).</param>
/// <param name="Watermark">The symbol and interval's watermark after the commit (the last stored bar's timestamp).</param>
/// <param name="FullRefetchPending">A split or dividend newer than the stored history was seen and no full-history fetch
/// has committed since: the caller should fetch the whole history again.</param>
public sealed record FetchCommit(
    long FetchId,
    string Symbol,
    BarInterval Interval,
    bool WatermarkMoved,
    DateTimeOffset? Watermark,
    bool FullRefetchPending);
