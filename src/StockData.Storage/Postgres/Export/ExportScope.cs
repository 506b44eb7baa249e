using StockData.Core;

namespace StockData.Storage.Postgres.Export;

/// <summary>
/// What an export reads: bars of <see cref="Interval"/> for <see cref="Symbols"/>, optionally within
/// [<see cref="From"/>, <see cref="To"/>] (daily and longer intervals by trade date, both ends inclusive; intraday by
/// timestamp, <see cref="To"/> exclusive, as <see cref="Reading.BarQuery"/>), and as the store held them at
/// <see cref="AsOf"/> when set.
/// </summary>
public sealed record ExportScope(IReadOnlyList<string> Symbols, BarInterval Interval, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset? AsOf);

/// <summary>
/// One exported bar with its symbol (a year file holds many symbols) and, when asked for, when its values were written
/// (a split adjustment divides only values fetched before the split took effect).
/// </summary>
public readonly record struct SymbolBar(string Symbol, Bar Bar, DateTimeOffset? WrittenAt = null);

/// <summary>
/// What the store holds for one symbol and trade year of a scope right now (ignoring <c>as_of</c>): rows and the last
/// write. A rerun of an export compares it with what it recorded to skip a file whose source has not changed.
/// </summary>
public readonly record struct SourceStamp(string Symbol, int Year, long Rows, DateTimeOffset LastWrite);
