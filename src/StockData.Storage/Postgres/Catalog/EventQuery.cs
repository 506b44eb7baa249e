namespace StockData.Storage.Postgres.Catalog;

/// <summary>
/// Which of a symbol's corporate actions <see cref="EventReader"/> reads: by type, by exchange-local ex-date
/// (<see cref="From"/> and <see cref="To"/> inclusive, null: open), as the store held them at <see cref="AsOf"/>,
/// in (ex-date, type) order, the first <see cref="Limit"/> after <see cref="After"/>.
/// </summary>
public sealed record EventQuery(string Symbol, EventTypes Types, DateOnly? From, DateOnly? To, DateTimeOffset? AsOf, CatalogKey? After, int Limit);
