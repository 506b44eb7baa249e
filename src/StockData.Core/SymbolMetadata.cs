namespace StockData.Core;

/// <summary>
/// The meta fields of a chart response that the store keeps. <see cref="Currency"/> is verbatim and case-sensitive
/// (<c>GBp</c> is pence, not pounds).
/// </summary>
public sealed record SymbolMetadata(
    string? Currency,
    string? InstrumentType,
    string? ExchangeName,
    string? ExchangeTimezone,
    DateTimeOffset? FirstTradeDate,
    DateTimeOffset? RegularMarketTime,
    DateTimeOffset? RegularSessionEnd);
