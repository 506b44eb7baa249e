using System.Globalization;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// <c>stockdata-bench writer-fetch</c> (hidden): writes one synthetic full-history fetch of one symbol through the
/// writer in batches, printing a line per committed batch, and can stop after a given batch and wait to be killed.
/// The kill test uses it to end a real process with SIGKILL between two batches of one fetch.
/// </summary>
internal sealed class WriterFetchProbe(IBarWriter writer, FetchIdSequence fetchIds, SchemaMigrator migrator)
{
    public const string PausedLine = "paused";

    public async Task<int> RunAsync(string symbol, int bars, int batchSize, int pauseAfter, TextWriter output, CancellationToken ct)
    {
        await migrator.MigrateAsync(ct);
        // A stable seed (string.GetHashCode differs per process): a rerun writes the same bars.
        var history = SyntheticBars.History(symbol.Aggregate(17, (hash, ch) => unchecked((hash * 31) + ch)) & 0xFFFF, bars);
        var fetch = new FetchChunk(fetchIds.Next(), symbol, BarInterval.Daily, true, 0, history, true);
        var committed = 0;
        foreach (var batch in WriteBatch.Pack([fetch], batchSize))
        {
            var result = await writer.WriteAsync(batch, ct);
            committed++;
            var completed = result.CompletedFetches.FirstOrDefault();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"committed batch {committed}: rows={result.Rows} inserted={result.Inserted} updated={result.Updated} " +
                $"unchanged={result.Unchanged} fast_path={result.FastPath} watermark={completed?.Watermark?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}"));
            await output.FlushAsync(ct);
            if (committed == pauseAfter)
            {
                await output.WriteLineAsync(PausedLine);
                await output.FlushAsync(ct);
                await Task.Delay(Timeout.Infinite, ct);
            }
        }

        return 0;
    }
}
