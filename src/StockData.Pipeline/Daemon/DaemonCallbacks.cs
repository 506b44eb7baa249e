using Microsoft.Extensions.Logging;
using Npgsql;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Ingest;
using StockData.Storage.Postgres.Jobs;
using StockData.Storage.Postgres.Universe;

namespace StockData.Pipeline.Daemon;

/// <summary>
/// How the daemon learns each claimed request's end, once per request: a scheduled symbol gets its next fetch time and
/// its lease back; a job item is marked done or failed (and its job finished when it was the last).
/// </summary>
/// <remarks>
/// These run inside the pipeline's blocks, where an exception would stop the whole run; so a database error here is
/// logged and swallowed. The lease then simply expires and the fetch is done again, which the writer makes harmless
/// (an unchanged re-merge rewrites nothing).
/// </remarks>
internal sealed class DaemonCallbacks(
    string owner,
    LeaseBook book,
    ScheduleLeases schedule,
    JobItemLeases jobItems,
    RefreshSchedule policy,
    TimeProvider time,
    ILogger logger) : IngestCallbacks
{
    public override async ValueTask CommittedAsync(SymbolRequest request, FetchCommit commit, SymbolMetadata? metadata)
    {
        var held = book.Remove(request);
        try
        {
            if (request.JobItemId is { } itemId)
            {
                await JobItemCommittedAsync(request, itemId, held?.JobId, commit, metadata);
            }
            else
            {
                await ScheduledCommittedAsync(request, commit, metadata, held);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            PipelineLog.OutcomeNotRecorded(logger, request.Symbol, request.Interval.Token, ex.Message);
        }
    }

    public override async ValueTask FailedAsync(SymbolRequest request, string category, string detail)
    {
        var held = book.Remove(request);
        try
        {
            var interval = request.Interval.Token;
            if (request.JobItemId is { } itemId)
            {
                var jobId = await jobItems.FinishAsync(owner, itemId, false, category, detail, time.GetUtcNow(), CancellationToken.None);
                PipelineLog.JobItemFinished(logger, jobId ?? held?.JobId ?? 0, itemId, request.Symbol, interval,
                    jobId is null ? "failed: " + category + " (no longer this replica's: cancelled or taken over)" : "failed: " + category);
                return;
            }

            // The reject recorder has counted this failure already (consecutive_failures, symbol status).
            var failures = await schedule.FailuresAsync(request.Symbol, interval, CancellationToken.None);
            var next = category == FetchErrorCategory.NotFound.ToName() ? policy.AfterNotFound() : policy.AfterFailure(failures);
            await schedule.ReleaseAsync(owner, request.Symbol, interval, next, false, false, time.GetUtcNow(), CancellationToken.None);
            PipelineLog.ScheduledAfterFailure(logger, request.Symbol, interval, category, next, failures);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            PipelineLog.OutcomeNotRecorded(logger, request.Symbol, request.Interval.Token, ex.Message);
        }
    }

    private async Task ScheduledCommittedAsync(SymbolRequest request, FetchCommit commit, SymbolMetadata? metadata, HeldWork? held)
    {
        var interval = request.Interval.Token;
        var now = time.GetUtcNow();
        if (commit.FullRefetchPending)
        {
            // A split or dividend newer than the stored history: Yahoo back-adjusted it. Due again at once; the planner
            // sees the pending flag and fetches the whole history.
            await schedule.ReleaseAsync(owner, request.Symbol, interval, now, true, false, now, CancellationToken.None);
            PipelineLog.Scheduled(logger, request.Symbol, interval, now);
            return;
        }

        if (!commit.WatermarkMoved)
        {
            // Rows committed but an earlier chunk of the fetch failed: the watermark stayed, so try again after a backoff.
            var failures = await schedule.FailuresAsync(request.Symbol, interval, CancellationToken.None) + 1;
            var retry = policy.AfterFailure(failures);
            await schedule.ReleaseAsync(owner, request.Symbol, interval, retry, false, true, now, CancellationToken.None);
            PipelineLog.ScheduledAfterFailure(logger, request.Symbol, interval, "incomplete", retry, failures);
            return;
        }

        var next = policy.AfterSuccess(request.Interval, metadata?.RegularSessionEnd, metadata?.ExchangeTimezone ?? held?.ExchangeTimezone);
        await schedule.ReleaseAsync(owner, request.Symbol, interval, next, true, false, now, CancellationToken.None);
        PipelineLog.Scheduled(logger, request.Symbol, interval, next);
    }

    private async Task JobItemCommittedAsync(SymbolRequest request, long itemId, long? heldJobId, FetchCommit commit, SymbolMetadata? metadata)
    {
        var interval = request.Interval.Token;
        var now = time.GetUtcNow();
        var succeeded = commit.WatermarkMoved;
        var jobId = await jobItems.FinishAsync(owner, itemId, succeeded, succeeded ? null : "incomplete",
            succeeded ? null : "an earlier part of the fetch failed; the rows that arrived are stored", now, CancellationToken.None);
        var outcome = succeeded ? "done" : "failed: incomplete";
        PipelineLog.JobItemFinished(logger, jobId ?? heldJobId ?? 0, itemId, request.Symbol, interval,
            jobId is null ? outcome + " (no longer this replica's: cancelled or taken over)" : outcome);
        if (succeeded && request.To is null && !commit.FullRefetchPending)
        {
            // The job brought a scheduled symbol up to now: its scheduled fetch can wait for the next session.
            var next = policy.AfterSuccess(request.Interval, metadata?.RegularSessionEnd, metadata?.ExchangeTimezone);
            await schedule.RescheduleAfterFetchAsync(request.Symbol, interval, next, now, CancellationToken.None);
        }
    }
}
