namespace StockData.Storage.Quality;

/// <summary>
/// The peers a symbol's history is compared with: same interval, same exchange time zone and exchange name (as the
/// stored symbol metadata holds them).
/// </summary>
public readonly record struct ExchangeKey(string Interval, string TimeZone, string Name);
