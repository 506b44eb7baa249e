using Microsoft.Extensions.Logging;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Storage.Postgres;

namespace StockData.Ingest;

/// <summary>
/// The write stage: one batch's rejects in one round trip, then its chunks in one write transaction (COPY merge), then
/// the run's counts and the source's callbacks for every fetch the batch ended. The one place a fetch's outcome is
/// recorded and counted: committed, or failed (upstream, bad request, or the database refusing its batch).
/// </summary>
internal sealed class WriteStage(IBarWriter writer, RejectRecorder rejects, IngestStats stats, IngestCallbacks callbacks,
    Action<Exception> fatal, ILogger logger, CancellationToken abortToken)
{
    private readonly StageMeter _meter = StageMeter.Write;

    public async Task WriteAsync(IReadOnlyList<BatchItem> items)
    {
        var failures = new List<(FetchTicket Fetch, FetchFailure Failure)>();
        var chunks = new List<FetchChunk>(items.Count);
        foreach (var item in items)
        {
            if (item.Failure is { } failure)
            {
                failures.Add((item.Fetch, failure));
            }
            else if (item.Chunk is { } chunk)
            {
                chunks.Add(chunk);
            }
        }

        try
        {
            await FailAsync(failures);
            if (chunks.Count > 0)
            {
                await WriteChunksAsync(items, chunks);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !abortToken.IsCancellationRequested)
        {
            // The store is unreachable past the writer's retries: nothing downstream can make progress.
            _meter.Failed();
            PipelineLog.WriteFatal(logger, ex.Message, ex);
            fatal(ex);
            throw;
        }
    }

    private async Task WriteChunksAsync(IReadOnlyList<BatchItem> items, List<FetchChunk> chunks)
    {
        _meter.In();
        StageMeter.Batch.Out();
        var batch = new WriteBatch(chunks);
        var started = StageMeter.Start();
        WriteResult result;
        try
        {
            result = await writer.WriteAsync(batch, abortToken);
        }
        catch (BarWriteException ex) when (!ex.RetriesExhausted)
        {
            // The database refused this batch (not a connectivity problem): record it against its symbols and go
            // on with the next batch. Fetches whose last chunk was here end failed; later chunks of others will
            // commit without moving their watermark (the writer's gate knows an earlier chunk failed).
            _meter.Failed();
            var symbols = chunks.Select(c => c.Symbol).Distinct(StringComparer.Ordinal).ToList();
            PipelineLog.BatchRejected(logger, batch.RowCount, string.Join(", ", symbols.Take(10)), ex.Message);
            var failed = new FetchFailure(IngestPipeline.WriteFailedCategory, ex.Message, null);
            await FailAsync([.. items.Where(i => i.Chunk is { IsLast: true }).Select(i => (i.Fetch, failed))]);
            return;
        }

        var elapsed = _meter.Elapsed(started);
        PipelineMetrics.WriteDuration.Observe(elapsed);
        PipelineMetrics.WriteBatchRows.Observe(batch.RowCount);
        PipelineMetrics.RowsWritten.WithLabels("inserted").Inc(result.Inserted);
        PipelineMetrics.RowsWritten.WithLabels("updated").Inc(result.Updated);
        PipelineMetrics.RowsWritten.WithLabels("unchanged").Inc(result.Unchanged + result.Superseded);
        stats.Rows(result.Inserted, result.Updated, result.Unchanged + result.Superseded);
        _meter.Out();
        if (result.CompletedFetches.Count == 0)
        {
            return;
        }

        // The fetches this batch ended: their last chunks are in it, each carrying its fetch's ticket and metadata.
        var ended = new Dictionary<long, BatchItem>(result.CompletedFetches.Count);
        foreach (var item in items)
        {
            if (item.Chunk is { IsLast: true } last)
            {
                ended[last.FetchId] = item;
            }
        }

        foreach (var commit in result.CompletedFetches)
        {
            if (commit.WatermarkMoved)
            {
                stats.SymbolOk();
                PipelineMetrics.SymbolsProcessed.WithLabels("ok").Inc();
            }
            else
            {
                stats.SymbolFailed();
                PipelineMetrics.SymbolsProcessed.WithLabels("failed").Inc();
            }

            if (ended.TryGetValue(commit.FetchId, out var item))
            {
                await callbacks.CommittedAsync(item.Fetch.Request, commit, item.Metadata);
            }
        }
    }

    /// <summary>
    /// Counts each fetch as failed (or not found), records all their rejects in one round trip, then tells the
    /// callbacks (after the record, so a source that reacts to the callback finds the reject stored).
    /// </summary>
    private async Task FailAsync(IReadOnlyList<(FetchTicket Fetch, FetchFailure Failure)> failures)
    {
        if (failures.Count == 0)
        {
            return;
        }

        var records = new Reject[failures.Count];
        for (var i = 0; i < failures.Count; i++)
        {
            var (fetch, failure) = failures[i];
            if (failure.Upstream == FetchErrorCategory.NotFound)
            {
                stats.SymbolNotFound();
                PipelineMetrics.SymbolsProcessed.WithLabels("not_found").Inc();
            }
            else
            {
                stats.SymbolFailed();
                PipelineMetrics.SymbolsProcessed.WithLabels("failed").Inc();
            }

            var request = fetch.Request;
            PipelineLog.SymbolFailed(logger, request.Symbol, request.Interval.Token, failure.Category, failure.Detail);
            records[i] = new Reject(request.Symbol, request.Interval.Token, failure.Category, failure.Detail, request.JobItemId);
        }

        await rejects.RecordAsync(records, abortToken);
        foreach (var (fetch, failure) in failures)
        {
            await callbacks.FailedAsync(fetch.Request, failure.Category, failure.Detail);
        }
    }
}
