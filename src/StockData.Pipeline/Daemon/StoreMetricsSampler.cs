using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Diagnostics;
using StockData.Storage.Postgres.Jobs;
using StockData.Storage.Postgres.Universe;

namespace StockData.Pipeline.Daemon;

/// <summary>
/// Sets the store-wide gauges (<c>stockdata_symbols</c>, <c>stockdata_job_items</c>, <c>stockdata_symbols_due</c>,
/// <c>stockdata_symbols_overdue</c>) from the shared database every <see cref="DaemonOptions.StoreMetricsInterval"/>.
/// Every replica reports the same values; dashboards and alerts take the max over replicas.
/// </summary>
internal sealed class StoreMetricsSampler(
    StoreCountsReader reader,
    IOptions<DaemonOptions> options,
    TimeProvider time,
    ILogger<StoreMetricsSampler> logger) : BackgroundService
{
    private static readonly string[] SymbolStatuses = ["active", "not_found", "failing"];

    private readonly DaemonOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        using var timer = new PeriodicTimer(_options.StoreMetricsInterval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    PipelineLog.StoreCountsFailed(logger, ex.Message);
                    failing = true;
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Reads the counts once and sets the gauges (statuses with no rows read 0, so a drained status is not left stale).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counts = await reader.ReadAsync(now, now - _options.OverdueAfter, cancellationToken);
        foreach (var status in SymbolStatuses)
        {
            PipelineMetrics.SymbolsByStatus.WithLabels(status).Set(counts.SymbolsByStatus.GetValueOrDefault(status));
        }

        foreach (var status in JobView.ItemStatuses)
        {
            PipelineMetrics.JobItemsByStatus.WithLabels(status).Set(counts.JobItemsByStatus.GetValueOrDefault(status));
        }

        PipelineMetrics.SymbolsDue.Set(counts.Due);
        PipelineMetrics.SymbolsOverdue.Set(counts.Overdue);
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
