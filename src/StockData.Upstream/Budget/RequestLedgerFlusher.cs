using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockData.Diagnostics;
using StockData.Storage.Postgres.Budget;

namespace StockData.Upstream.Budget;

/// <summary>The daemon's side of the budget: writes the request counts every few seconds, prunes old ones hourly, flushes on stop.</summary>
public sealed class RequestLedgerFlusher(UpstreamRequestCounter counter, RequestLedger ledger, TimeProvider time,
    ILogger<RequestLedgerFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var lastPrune = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(UpstreamRequestCounter.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await counter.FlushAsync(stoppingToken);
                var now = time.GetUtcNow();
                if (now - lastPrune >= PruneEvery)
                {
                    try
                    {
                        await ledger.PruneAsync(now - UpstreamRequestCounter.Retention, stoppingToken);
                        lastPrune = now;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        PipelineLog.RequestCountsNotWritten(logger, 0, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await counter.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown ran out of time: the counts stay in /metrics; the container's disposal tries once more.
        }
    }
}
