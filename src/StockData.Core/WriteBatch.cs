namespace StockData.Core;

/// <summary>
/// One write transaction's worth of chunks (about 5,000 rows), from any number of symbols and fetches. Wraps the
/// caller's list without copying it.
/// </summary>
public sealed class WriteBatch
{
    public WriteBatch(IReadOnlyList<FetchChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        Chunks = chunks;
        var rows = 0;
        foreach (var chunk in chunks)
        {
            rows += chunk.RowCount;
        }

        RowCount = rows;
    }

    public IReadOnlyList<FetchChunk> Chunks { get; }

    /// <summary>Bars in the batch, duplicates included.</summary>
    public int RowCount { get; }

    /// <summary>
    /// Packs chunks into batches of exactly <paramref name="batchSize"/> rows (the last may hold fewer), splitting a
    /// chunk across two batches when it does not fit. For callers without a time limit (benchmarks, tools); the ingest
    /// pipeline does the same with a maximum batch age.
    /// </summary>
    public static IEnumerable<WriteBatch> Pack(IEnumerable<FetchChunk> chunks, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return PackIterator(chunks, batchSize);
    }

    private static IEnumerable<WriteBatch> PackIterator(IEnumerable<FetchChunk> chunks, int batchSize)
    {
        var current = new List<FetchChunk>();
        var rows = 0;
        foreach (var chunk in chunks)
        {
            var item = chunk;
            // A full batch is sent only when more rows arrive, so a row-less chunk (a fetch's events) rides along.
            while (item.RowCount > 0 && rows + item.RowCount > batchSize)
            {
                var room = batchSize - rows;
                if (room > 0)
                {
                    var (head, tail) = item.Split(room);
                    current.Add(head);
                    item = tail;
                }

                yield return new WriteBatch(current);
                current = [];
                rows = 0;
            }

            current.Add(item);
            rows += item.RowCount;
        }

        if (current.Count > 0)
        {
            yield return new WriteBatch(current);
        }
    }
}
