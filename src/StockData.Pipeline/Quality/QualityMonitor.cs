using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Diagnostics;
using StockData.Storage.Postgres.Quality;

namespace StockData.Pipeline.Quality;

/// <summary>
/// The daemon's side of data quality: scans every <see cref="QualityOptions.ScanInterval"/> (the scan enqueues the
/// repairs as low-priority job items, which the claim loop takes when it has room), and sets the quality gauges from
/// the store every <see cref="QualityOptions.MetricsInterval"/>.
/// </summary>
internal sealed class QualityMonitor(
    QualityScanner scanner,
    QualityReader reader,
    IOptions<QualityOptions> options,
    TimeProvider time,
    ILogger<QualityMonitor> logger) : BackgroundService
{
    private static readonly string[] GapKinds = ["bar", "dividend"];
    private static readonly string[] GapStatuses = ["open", "repairing", "repaired", "confirmed_missing"];
    private static readonly string[] SuspiciousStatuses = ["flagged", "verifying", "verified", "persistent"];

    private readonly QualityOptions _options = options.Value;
    private bool _sampleFailing;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gauges = EveryAsync(_options.MetricsInterval, SampleAsync, stoppingToken);
        if (!_options.Enabled)
        {
            return gauges;
        }

        PipelineLog.QualityMonitorStarted(logger, _options.ScanInterval, _options.PeerShare, _options.MinPeers, _options.MaxAttempts);
        return Task.WhenAll(gauges, EveryAsync(_options.ScanInterval, ScanAsync, stoppingToken));
    }

    /// <summary>One scan; never throws but for cancellation (a failed scan is logged and counted, the next one comes).</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await scanner.ScanAsync(_options.Rules, time.GetUtcNow(), cancellationToken);
            PipelineMetrics.QualityScans.WithLabels(result.Ran ? "ran" : "skipped").Inc();
            if (result.Ran)
            {
                PipelineLog.QualityScanned(logger, result.GapsFound, result.Repaired, result.ConfirmedMissing, result.Reopened,
                    result.ItemsEnqueued, result.Jobs.Count);
            }
            else
            {
                PipelineLog.QualityScanSkipped(logger);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            PipelineMetrics.QualityScans.WithLabels("failed").Inc();
            PipelineLog.QualityScanFailed(logger, ex.Message, _options.ScanInterval);
        }
    }

    /// <summary>Reads the counts and sets the gauges (absent combinations read 0, so a drained status is not left stale).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var counts = await reader.CountsAsync(cancellationToken);
            foreach (var kind in GapKinds)
            {
                foreach (var status in GapStatuses)
                {
                    PipelineMetrics.QualityGaps.WithLabels(kind, status).Set(counts.Gaps.GetValueOrDefault((kind, status)));
                }
            }

            foreach (var status in SuspiciousStatuses)
            {
                PipelineMetrics.QualitySuspiciousResponses.WithLabels(status).Set(counts.Suspicious.GetValueOrDefault(status));
            }

            _sampleFailing = false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The gauges keep their last values; an outage is logged once, not every interval.
            if (!_sampleFailing)
            {
                PipelineLog.StoreCountsFailed(logger, ex.Message);
                _sampleFailing = true;
            }
        }
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        // Let the host finish starting first.
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await work(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
