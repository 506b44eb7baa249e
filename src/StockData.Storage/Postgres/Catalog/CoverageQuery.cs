namespace StockData.Storage.Postgres.Catalog;

/// <summary>
/// Which symbol-intervals <see cref="CoverageReader"/> lists: all filters optional (null: any), in (symbol, interval)
/// order, the first <see cref="Limit"/> after <see cref="After"/> (keyset paging).
/// </summary>
/// <param name="Symbol">Only this symbol's intervals.</param>
/// <param name="Interval">Only this interval (a token such as <c>1d</c>).</param>
/// <param name="Status">Only symbols with this status (<c>active</c>, <c>not_found</c>, <c>failing</c>).</param>
/// <param name="Scheduled">Only rows on (true) or off (false) the daemon's refresh schedule.</param>
/// <param name="After">The last key of the previous page; null for the first page.</param>
public sealed record CoverageQuery(string? Symbol, string? Interval, string? Status, bool? Scheduled, CatalogKey? After, int Limit);
