using Microsoft.Extensions.Logging;
using Npgsql;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Storage.Postgres.Jobs;

namespace StockData.Pipeline.Quality;

/// <summary>
/// <c>quality repair</c>'s outcome hooks: each repair item it runs is marked done (its fetch committed: whatever the
/// response held is stored, and the next scan sees whether the gap is filled) or failed with its category.
/// </summary>
internal sealed class RepairCallbacks(string owner, JobItemLeases items, TimeProvider time, ILogger logger) : Ingest.IngestCallbacks
{
    private int _done;
    private int _failed;

    public int Done => _done;

    public int Failed => _failed;

    public override async ValueTask CommittedAsync(SymbolRequest request, FetchCommit commit)
    {
        Interlocked.Increment(ref commit.WatermarkMoved ? ref _done : ref _failed);
        await FinishAsync(request, commit.WatermarkMoved, commit.WatermarkMoved ? null : "incomplete",
            commit.WatermarkMoved ? null : "an earlier part of the fetch failed; the rows that arrived are stored");
    }

    public override async ValueTask FailedAsync(SymbolRequest request, string category, string detail)
    {
        Interlocked.Increment(ref _failed);
        await FinishAsync(request, false, category, detail);
    }

    private async Task FinishAsync(SymbolRequest request, bool succeeded, string? category, string? detail)
    {
        if (request.JobItemId is not { } itemId)
        {
            return;
        }

        try
        {
            await items.FinishAsync(owner, itemId, succeeded, category, detail, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Left running: its lease expires and the item is handed out again.
            PipelineLog.OutcomeNotRecorded(logger, request.Symbol, request.Interval.Token, ex.Message);
        }
    }
}
