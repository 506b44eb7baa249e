namespace StockData.Storage.Postgres.Catalog;

/// <summary>A symbols row: the metadata the last fetch carried (null where none arrived yet) and the symbol's status.</summary>
/// <param name="Currency">Verbatim from Yahoo: <c>GBp</c> is pence.</param>
/// <param name="ExchangeTimezone">IANA zone of the exchange, e.g. America/New_York.</param>
/// <param name="Status"><c>active</c>, <c>not_found</c> or <c>failing</c>.</param>
/// <param name="LastError">Why the last fetch failed, while the status is not active.</param>
public sealed record SymbolDetail(
    string Symbol,
    string? Currency,
    string? InstrumentType,
    string? ExchangeName,
    string? ExchangeTimezone,
    DateTimeOffset? FirstTradeDate,
    string Status,
    string? LastError,
    DateTimeOffset AddedAt,
    DateTimeOffset UpdatedAt);
