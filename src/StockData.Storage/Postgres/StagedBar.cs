using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>A batch row the merge must write: new (<paramref name="Stored"/> null) or changed (the values it replaces).</summary>
public readonly record struct StagedBar(string Symbol, string Interval, Bar Bar, StoredBar? Stored);
