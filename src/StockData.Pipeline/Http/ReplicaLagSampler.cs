using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;
using StockData.Diagnostics;
using StockData.Storage;
using StockData.Storage.Postgres.Replica;

namespace StockData.Pipeline.Http;

/// <summary>
/// In a serving process with a read replica: probes the standby every <see cref="StorageOptions.StandbyPollInterval"/>
/// (which also brings it back into use after an outage without waiting for a read) and sets
/// <c>stockdata_replica_lag_seconds</c>, <c>stockdata_replica_lag_bytes</c> and <c>stockdata_replica_up</c>;
/// <c>stockdata_store_reads_total</c> follows the router's counts at each scrape. Does nothing without a standby.
/// </summary>
internal sealed class ReplicaLagSampler(ReadRouter router, IOptions<StorageOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!router.Configured)
        {
            return;
        }

        Metrics.DefaultRegistry.AddBeforeCollectCallback(PublishReads);
        using var timer = new PeriodicTimer(options.Value.StandbyPollInterval, time);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One probe: the lag gauges when the standby answers; up = 0 (the lag left as last seen) when it does not.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        StandbyLag? lag;
        try
        {
            lag = await router.SampleLagAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // The primary could not say its position: the standby's state is known, the lag is not; try again next tick.
            PipelineMetrics.ReplicaUp.Set(router.StandbyDown ? 0 : 1);
            return;
        }

        PipelineMetrics.ReplicaUp.Set(lag is null ? 0 : 1);
        if (lag is not null)
        {
            PipelineMetrics.ReplicaLagSeconds.Set(lag.Seconds);
            PipelineMetrics.ReplicaLagBytes.Set(lag.Bytes);
        }

        PublishReads();
    }

    private void PublishReads()
    {
        foreach (var target in new[] { ReadTarget.Primary, ReadTarget.Standby })
        {
            PipelineMetrics.StoreReads.WithLabels(target.Token()).IncTo(router.ReadsServed(target));
        }
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
