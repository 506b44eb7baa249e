namespace StockData.Storage.Postgres.Catalog;

/// <summary>
/// Where a page of a catalog listing ends: the sort key of its last row (symbol and interval for coverage; ex-date
/// and event type for events, <see cref="Second"/> holding the type). The next page starts strictly after it.
/// </summary>
public sealed record CatalogKey(string First, string Second);
