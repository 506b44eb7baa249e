using StockData.Core;

namespace StockData.Bench.Benchmarks;

/// <summary>How the writer benchmarks hand batches to the writer: as the pipeline's write stage does.</summary>
internal static class BenchWrites
{
    /// <summary>
    /// The batches handed to the writer in order, up to <paramref name="concurrency"/> at once (the write stage is a
    /// Dataflow block with that MaxDegreeOfParallelism: it starts batches in order, a new one as soon as one ends).
    /// </summary>
    public static async Task<WriteResult[]> WriteAllAsync(IBarWriter writer, IEnumerable<WriteBatch> batches, int concurrency,
        CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(concurrency);
        var writes = new List<Task<WriteResult>>();
        foreach (var batch in batches)
        {
            await slots.WaitAsync(ct);
            writes.Add(WriteAsync(batch));
        }

        return await Task.WhenAll(writes);

        async Task<WriteResult> WriteAsync(WriteBatch batch)
        {
            try
            {
                return await writer.WriteAsync(batch, ct);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
