using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// <c>/readyz</c> when the pipeline is not running although PostgreSQL answers: draining after SIGTERM, and stopped on
/// a fatal write failure (then ready again once the pipeline restarts). The PostgreSQL-down case is in
/// <see cref="DaemonOutageTests"/>, Redis down (200, degraded) in <see cref="DaemonHttpTests"/>.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonReadinessTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_SigtermWhileDraining_503PipelineStopping_ThenExit0()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // A slow upstream (5 s per request): the fetches in flight at SIGTERM keep the drain going long enough to probe.
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0", "--latency", "00:00:05");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        await using var worker = await harness.StartWorkerAsync("drain");
        await harness.SeedUniverseAsync(["AAPL", "MSFT"]);
        Assert.True(await WorkerProcess.EventuallyAsync(async () => (await harness.RequestsPerSymbolAsync()).Count == 2, Patience),
            worker.Process.StandardOutput);

        worker.Process.Signal(15);
        (HttpStatusCode Status, JsonElement Body)? draining = null;
        var seen = await worker.Process.WaitUntilAsync(async () =>
        {
            draining = await ReadinessAsync(worker);
            return draining?.Status == HttpStatusCode.ServiceUnavailable;
        }, Patience);
        var exited = await worker.Process.WaitAsync(Patience);

        Assert.True(seen, $"last /readyz: {draining?.Status} {draining?.Body}\n{worker.Process.StandardOutput}");
        var body = draining!.Value.Body;
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Equal("stopping", body.GetProperty("pipeline").GetString());
        Assert.Equal("ok", body.GetProperty("postgres").GetString());
        Assert.True(exited.ExitCode == 0, exited.ToString());
        // The drain finished the fetches that were in flight, and nothing stayed leased.
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE last_success_at IS NOT NULL AND lease_owner IS NULL"));
    }

    [Fact]
    public async Task Readyz_PipelineStoppedOnFatalWriteError_PostgresUp_503ThenReadyAfterRestart()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        // Every bar write fails with a transient error (deadlock_detected) from a trigger: the writer's single retry
        // fails too, so the pipeline stops with PostgreSQL itself reachable.
        await harness.ExecuteAsync("""
            CREATE FUNCTION refuse_bars() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'injected by the test' USING ERRCODE = 'deadlock_detected'; END $$;
            CREATE TRIGGER refuse_bars BEFORE INSERT OR UPDATE ON daily_bars FOR EACH ROW EXECUTE FUNCTION refuse_bars();
            """);
        await using var worker = await harness.StartWorkerAsync("faulted", new Dictionary<string, string?>
        {
            ["StockData__Writer__MaxRetries"] = "1",
            ["StockData__Writer__RetryBaseDelay"] = "00:00:00.050",
            ["StockData__Daemon__RestartDelay"] = "00:00:02",
        });
        await harness.SeedUniverseAsync(["AAPL", "MSFT"]);

        (HttpStatusCode Status, JsonElement Body)? stopped = null;
        var seen = await WorkerProcess.EventuallyAsync(async () =>
        {
            stopped = await ReadinessAsync(worker);
            return stopped?.Status == HttpStatusCode.ServiceUnavailable;
        }, Patience);
        Assert.True(seen, $"last /readyz: {stopped?.Status} {stopped?.Body}\n{worker.Process.StandardOutput}");
        var body = stopped!.Value.Body;
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Equal("stopped", body.GetProperty("pipeline").GetString());
        Assert.Equal("ok", body.GetProperty("postgres").GetString());
        Assert.Contains("injected by the test", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        using (var live = await worker.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // The cause goes away: the pipeline restarts after RestartDelay, the leases expire, the symbols are written.
        await harness.ExecuteAsync("DROP TRIGGER refuse_bars ON daily_bars");
        Assert.True(await WorkerProcess.EventuallyAsync(async () => await harness.ScalarAsync<long>(
            "SELECT count(*) FROM symbol_intervals WHERE last_success_at IS NOT NULL") == 2, Patience), worker.Process.StandardOutput);
        Assert.True(await worker.WaitReadyAsync(Patience), worker.Process.StandardOutput);
        var exited = await worker.StopAsync(Patience);
        Assert.True(exited.ExitCode == 0, exited.ToString());
    }

    /// <summary>/readyz's status code and body; null when the worker does not answer (not listening any more).</summary>
    private static async Task<(HttpStatusCode, JsonElement)?> ReadinessAsync(WorkerProcess worker)
    {
        try
        {
            using var response = await worker.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
