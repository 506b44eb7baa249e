namespace StockData.Storage.Postgres.Universe;

/// <summary>Store-wide counts for the daemon's gauges: the same on every replica, since they come from the one database.</summary>
/// <param name="SymbolsByStatus">Symbols on the refresh schedule, by status (active, not_found, failing).</param>
/// <param name="JobItemsByStatus">Fetch job items by status (pending, running, done, failed, cancelled).</param>
/// <param name="Due">Scheduled symbol-intervals due now.</param>
/// <param name="Overdue">Scheduled symbol-intervals due for longer than the overdue threshold.</param>
public sealed record StoreCounts(
    IReadOnlyDictionary<string, long> SymbolsByStatus,
    IReadOnlyDictionary<string, long> JobItemsByStatus,
    long Due,
    long Overdue);
