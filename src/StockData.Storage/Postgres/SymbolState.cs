namespace StockData.Storage.Postgres;

/// <summary>What the store knows of one symbol and interval before a fetch: its watermark and whether a full re-fetch is owed.</summary>
public readonly record struct SymbolState(DateTimeOffset? Watermark, bool FullRefetchPending);
