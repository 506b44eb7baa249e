namespace StockData.Core;

/// <summary>
/// The write side of the store: merges one batch of bars (and the events and metadata that came with them) in one
/// transaction. Implemented by the PostgreSQL COPY-merge writer; registered by <c>AddStockDataStorage</c>.
/// </summary>
/// <remarks>
/// Safe to call concurrently (write parallelism above 1): chunks of one fetch are committed in offset order
/// whatever order the calls start in, because a call waits for the call holding the fetch's earlier rows. The
/// caller's contract that makes this work: every chunk of a fetch is handed to <see cref="WriteAsync"/> (a failed
/// call still counts as handed), and a fetch's chunks are handed in offset order.
/// </remarks>
public interface IBarWriter
{
    /// <summary>
    /// Writes <paramref name="batch"/> in one transaction: bars are inserted or updated (unchanged rows are not
    /// rewritten), events merged, the symbol rows upserted, and a fetch's watermark moved when its last chunk commits.
    /// Transient database failures are retried; anything else throws <see cref="BarWriteException"/> naming the symbols.
    /// </summary>
    Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken cancellationToken);
}
