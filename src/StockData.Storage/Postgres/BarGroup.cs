using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>One symbol and interval's rows of a batch, deduplicated (last wins) and in key order when possible.</summary>
public readonly record struct BarGroup(string Symbol, string Interval, BarSlice Rows);
