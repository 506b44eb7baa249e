namespace StockData.Storage.Quality;

/// <summary>One symbol-interval's stored daily-or-longer history, as the gap rule sees it.</summary>
/// <param name="First">Its first stored trade date.</param>
/// <param name="Last">Its last stored trade date.</param>
/// <param name="Listed">The exchange-local date of its first trade (Yahoo's <c>firstTradeDate</c>), when known.</param>
/// <param name="LastFetched">The exchange-local date of its last completed fetch, when any.</param>
public sealed record StoredRange(string Symbol, ExchangeKey Exchange, DateOnly First, DateOnly Last, DateOnly? Listed, DateOnly? LastFetched);
