namespace StockData.Upstream.Caching;

/// <summary>Whether an exchange's regular session is open, valid until its next open or close (<paramref name="Until"/>).</summary>
public readonly record struct ExchangeStatus(bool IsOpen, DateTimeOffset Until);
