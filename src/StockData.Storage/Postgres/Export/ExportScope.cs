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

/// <summary>What <see cref="BarExportReader.CopyAsync"/> read: rows, and their last write when the scope has no <c>as_of</c>.</summary>
public readonly record struct ExportedRows(long Rows, DateTimeOffset? LastWrite);

/// <summary>
/// Where <see cref="BarExportReader.CopyAsync"/> puts each row: an export's column buffers. When it reports
/// <see cref="IsFull"/> after a row, the reader waits for <see cref="FlushAsync"/> before the next.
/// </summary>
public interface IBarExportSink
{
    bool IsFull { get; }

    /// <param name="ts">The bar's time, UTC.</param>
    void Add(string symbol, DateTime ts, DateOnly tradeDate, double open, double high, double low, double close, double? adjClose, long? volume);

    Task FlushAsync(CancellationToken cancellationToken);
}
