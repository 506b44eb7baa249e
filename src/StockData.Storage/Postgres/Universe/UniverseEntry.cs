namespace StockData.Storage.Postgres.Universe;

/// <summary>One symbol-interval of the store, as <c>symbols list</c> shows it.</summary>
/// <param name="NextFetchAt">When the daemon fetches it next; null when it is not on the refresh schedule.</param>
public sealed record UniverseEntry(
    string Symbol,
    string Interval,
    string Status,
    DateTimeOffset? NextFetchAt,
    DateTimeOffset? Watermark,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    int ConsecutiveFailures,
    string? LastError,
    string? ExchangeTimezone);
