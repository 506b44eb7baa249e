using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Diagnostics;
using StockData.Storage;

namespace StockData.Pipeline.Maintenance;

/// <summary>
/// The daemon's partition maintenance: a run at start and then every <see cref="RetentionOptions.MaintenanceInterval"/>.
/// Every replica runs it; they queue on one advisory lock and the later ones find nothing to do. A failed run (a lock
/// timeout behind a long read, the database away) is logged once and retried at the next tick.
/// </summary>
internal sealed class PartitionMaintenanceService(
    PartitionMaintenance maintenance,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<PartitionMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.MaintenanceInterval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await maintenance.RunAsync(dryRun: false, stoppingToken);
                PipelineMetrics.PartitionMaintenanceRuns.WithLabels("ran").Inc();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                PipelineMetrics.PartitionMaintenanceRuns.WithLabels("failed").Inc();
                PipelineLog.PartitionMaintenanceFailed(logger, ex.Message, interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
