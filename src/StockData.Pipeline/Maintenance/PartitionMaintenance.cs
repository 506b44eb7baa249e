using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Diagnostics;
using StockData.Storage;
using StockData.Storage.Postgres.Partitions;

namespace StockData.Pipeline.Maintenance;

/// <summary>
/// One partition maintenance run, shared by <c>stockdata migrate</c>, <c>stockdata retention</c> and the daemon: month
/// partitions created ahead (and behind), rows found in a DEFAULT partition moved out and alarmed on (metric and log
/// warning), expired month partitions dropped by retention. A dry run only lists what retention would drop.
/// </summary>
internal sealed class PartitionMaintenance(
    IntradayPartitions partitions,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<PartitionMaintenance> logger)
{
    public async Task<PartitionMaintenanceReport> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var keep = settings.Keep();
        var now = time.GetUtcNow();
        PartitionEnsureResult? ensured = null;
        if (!dryRun)
        {
            ensured = await EnsureAsync(now, cancellationToken);
        }

        var expired = IntradayPartitions.Expired(await partitions.ListAsync(cancellationToken), keep, now);
        var dropped = new List<(MonthPartition Partition, long Rows)>();
        if (!dryRun)
        {
            foreach (var partition in expired)
            {
                if (await partitions.DropAsync(partition, cancellationToken) is long rows)
                {
                    PipelineMetrics.IntradayPartitionsDropped.WithLabels(partition.Interval).Inc();
                    PipelineMetrics.IntradayRowsDropped.WithLabels(partition.Interval).Inc(rows);
                    PipelineLog.IntradayPartitionDropped(logger, partition.Name, partition.Interval, partition.RangeTo, rows);
                    dropped.Add((partition, rows));
                }
            }
        }

        return new PartitionMaintenanceReport(now, dryRun, ensured, expired, dropped);
    }

    /// <summary>Creates the partitions ahead and behind and empties the DEFAULT partitions, with their metrics and logs.</summary>
    public async Task<PartitionEnsureResult> EnsureAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var ensured = await partitions.EnsureAsync(now, settings.PartitionMonthsBehind, settings.PartitionMonthsAhead, settings.Keep(), cancellationToken);
        foreach (var found in ensured.Defaults)
        {
            PipelineMetrics.IntradayDefaultRows.WithLabels(found.Interval).Inc(found.Rows);
            PipelineLog.IntradayDefaultRowsFound(logger, found.Rows, found.Interval, found.Month);
        }

        foreach (var created in ensured.Created)
        {
            PipelineMetrics.IntradayPartitionsCreated.WithLabels(created.Interval).Inc();
            PipelineLog.IntradayPartitionCreated(logger, created.Interval, created.Month, created.MovedFromDefault);
        }

        return ensured;
    }
}

/// <summary>What one run did (or, dry, would drop).</summary>
internal sealed record PartitionMaintenanceReport(
    DateTimeOffset At,
    bool DryRun,
    PartitionEnsureResult? Ensured,
    IReadOnlyList<MonthPartition> Expired,
    IReadOnlyList<(MonthPartition Partition, long Rows)> Dropped);
