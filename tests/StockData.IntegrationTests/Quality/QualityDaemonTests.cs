using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Quality;

/// <summary><c>stockdata run</c> scans on its own interval and works the repairs it enqueued (low priority, after the schedule).</summary>
[Collection(ProcessCollection.Name)]
public sealed class QualityDaemonTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Run_ScansPeriodically_RepairsTheGaps_AndExportsTheCounts()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var clean = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0");
        await using var faulty = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0", "--drop-dates", "0.1",
            "--fault-seed", "3");
        var harness = new DaemonHarness(postgres, redis, clean);
        var file = ReplayHarness.WriteSymbolFile(QualityHarness.UsSymbols(12));
        var replay = await harness.CliAsync("replay", file, "--from", "2026-08-01", "--base-url", faulty.BaseUrl.ToString().TrimEnd('/'));
        Assert.True(replay.ExitCode == 0, replay.ToString());

        await using var worker = await harness.StartWorkerAsync("w1", new Dictionary<string, string?>
        {
            ["StockData__Quality__ScanInterval"] = "00:00:01",
            ["StockData__Quality__MetricsInterval"] = "00:00:01",
        });

        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await harness.ScalarAsync<long>("SELECT count(*) FROM quality_gaps WHERE status = 'repaired'") > 0 &&
            await harness.ScalarAsync<long>("SELECT count(*) FROM quality_gaps WHERE status <> 'repaired'") == 0, TimeSpan.FromMinutes(1)),
            worker.Process.StandardOutput);
        var repaired = await harness.ScalarAsync<long>("SELECT count(*) FROM quality_gaps");
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await worker.MetricAsync("stockdata_quality_gaps{kind=\"bar\",status=\"repaired\"}") == repaired, TimeSpan.FromSeconds(30)));
        Assert.True(await worker.MetricAsync("stockdata_quality_scans_total{result=\"ran\"}") >= 2);
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM fetch_job_items WHERE priority <> 0 OR status <> 'done'"));
    }
}
