using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Storage.Postgres.Jobs;
using StockData.Storage.Postgres.Universe;

namespace StockData.Pipeline.Daemon;

/// <summary>
/// One claim round: what a replica takes on when it has room. High-priority job items go first, ahead of the scheduled
/// backlog; what room is left is shared half and half by normal job items and due symbols (either takes the other's
/// unused half), so neither starves the other; low-priority items (repairs) come last.
/// </summary>
internal sealed class WorkClaimer(
    ScheduleLeases schedule,
    JobItemLeases jobItems,
    IOptions<DaemonOptions> options,
    TimeProvider time,
    ILogger<WorkClaimer> logger)
{
    private readonly DaemonOptions _options = options.Value;

    public async Task<IReadOnlyList<HeldWork>> ClaimAsync(string owner, int want, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now + _options.LeaseDuration;
        var work = new List<HeldWork>(want);

        var reclaimed = await jobItems.ReclaimExpiredAsync(now, _options.JobItemMaxAttempts, cancellationToken);
        if (reclaimed > 0)
        {
            PipelineMetrics.LeaseTakeovers.Inc(reclaimed);
            PipelineLog.JobItemsTakenOver(logger, reclaimed);
        }

        var high = await jobItems.ClaimAsync(owner, JobPriority.High, JobPriority.High, want, now, until, cancellationToken);
        AddItems(work, high);
        var rest = want - high.Count;
        int scheduledCount = 0, normalCount = 0;
        if (rest > 0)
        {
            var normalShare = (rest + 1) / 2;
            // Low-priority items (quality repairs) never take the normal share: they wait for room the backlog leaves.
            var normal = await jobItems.ClaimAsync(owner, JobPriority.Normal, JobPriority.Normal, normalShare, now, until, cancellationToken);
            AddItems(work, normal);
            var scheduled = await schedule.ClaimDueAsync(owner, rest - normal.Count, now, until, cancellationToken);
            await AddScheduledAsync(owner, work, scheduled, now, cancellationToken);
            scheduledCount = scheduled.Count;
            normalCount = normal.Count;
            var left = rest - normal.Count - scheduled.Count;
            if (left > 0)
            {
                var more = await jobItems.ClaimAsync(owner, JobPriority.Low, JobPriority.Normal, left, now, until, cancellationToken);
                AddItems(work, more);
                normalCount += more.Count;
            }
        }

        if (work.Count > 0)
        {
            PipelineLog.Claimed(logger, work.Count, high.Count, scheduledCount, normalCount);
        }

        return work;
    }

    private static void AddItems(List<HeldWork> work, IReadOnlyList<ClaimedJobItem> items)
    {
        foreach (var item in items)
        {
            // The interval was validated when the job was submitted.
            var request = new SymbolRequest(item.Symbol, BarInterval.Parse(item.Interval), item.From, item.To, item.Id,
                item.Purpose ?? (item.Priority == JobPriority.Low ? RequestPurpose.Repair : RequestPurpose.Job));
            work.Add(new HeldWork(request, null, item.JobId));
        }
    }

    private async Task AddScheduledAsync(string owner, List<HeldWork> work, IReadOnlyList<ClaimedInterval> claimed, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var row in claimed)
        {
            if (row.PreviousOwner is { } previous && previous != owner)
            {
                PipelineMetrics.LeaseTakeovers.Inc();
                PipelineLog.LeaseTakenOver(logger, row.Symbol, row.Interval, previous);
            }

            if (!BarInterval.TryParse(row.Interval, out var interval))
            {
                // Only a hand-edited row can hold an unknown interval: park it for as long as a not-found symbol.
                await schedule.ReleaseAsync(owner, row.Symbol, row.Interval, now + _options.NotFoundRetry, false, true, now, cancellationToken);
                PipelineLog.ScheduledAfterFailure(logger, row.Symbol, row.Interval, "bad_request: unknown interval",
                    now + _options.NotFoundRetry, 1);
                continue;
            }

            work.Add(new HeldWork(new SymbolRequest(row.Symbol, interval, Purpose: RequestPurpose.Schedule), row.ExchangeTimezone, null));
        }
    }
}
