namespace StockData.Storage.Quality;

/// <summary>
/// One repair fetch: a symbol-interval's dates [<see cref="From"/>, <see cref="To"/>] (exchange-local), covering one or
/// more gaps or flagged ranges. <see cref="Slot"/> numbers a symbol-interval's ranges from 0: a job holds at most one
/// item per symbol-interval, so the n-th range of each goes into the n-th job of a round. <see cref="CoversGap"/>: its
/// requests count as repair, else (flagged ranges only) as verification.
/// </summary>
public sealed record RepairRange(string Symbol, string Interval, string TimeZone, DateOnly From, DateOnly To, int Attempts, int Slot,
    bool CoversGap = true);
