using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>A worker whose dependencies fail: PostgreSQL going away (not ready, alive, ready again by itself), an upstream answering errors (back-off).</summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonOutageTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_PostgresStoppedAndStartedAgain_503ThenReadyAgain_LivenessUp()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // A private server: the shared one must never be stopped under the other tests.
        await using var server = await PrivateServer.StartPostgresAsync();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var worker = await harness.StartWorkerAsync("outage", new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = server.ConnectionString,
        });
        Assert.Equal(("ready", "ok"), await ReadinessAsync(worker, HttpStatusCode.OK));

        await server.StopAsync(immediate: true);
        var down = await WorkerProcess.EventuallyAsync(async () =>
            await ReadinessAsync(worker, HttpStatusCode.ServiceUnavailable) == ("not_ready", "unreachable"), TimeSpan.FromMinutes(1));
        using var live = await worker.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);
        await server.StartAgainAsync();
        var up = await worker.WaitReadyAsync(TimeSpan.FromMinutes(1));

        Assert.True(down, worker.Process.StandardOutput);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(up, worker.Process.StandardOutput);
        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Fact]
    public async Task Run_UpstreamFailing_SymbolsMarkedFailingAndBackOff()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // Every chart request answers 503, and the fetch service does not retry: each fetch fails at once.
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--fault-503", "1");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        await using var worker = await harness.StartWorkerAsync("w1", new Dictionary<string, string?>
        {
            ["StockData__Fetch__MaxRetries"] = "0",
            ["StockData__Daemon__FailureBackoffBase"] = "01:00:00",
            ["StockData__Daemon__FailureBackoffMax"] = "04:00:00",
        });
        await harness.SeedUniverseAsync(["AAPL", "MSFT"]);
        Assert.True(await WorkerProcess.EventuallyAsync(async () => await harness.ScalarAsync<long>(
            "SELECT count(*) FROM symbol_intervals WHERE consecutive_failures = 1 AND lease_owner IS NULL AND next_fetch_at > now()") == 2,
            TimeSpan.FromMinutes(1)), worker.Process.StandardOutput);

        // Second failure in a row: twice the delay.
        await harness.ExecuteAsync("UPDATE symbol_intervals SET next_fetch_at = now() WHERE symbol = 'MSFT'");
        Assert.True(await WorkerProcess.EventuallyAsync(async () => await harness.ScalarAsync<long>(
            "SELECT count(*) FROM symbol_intervals WHERE symbol = 'MSFT' AND consecutive_failures = 2 AND lease_owner IS NULL") == 1,
            TimeSpan.FromMinutes(1)), worker.Process.StandardOutput);

        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbols WHERE status = 'failing' AND last_error LIKE 'server_error:%'"));
        Assert.True(await harness.ScalarAsync<bool>(
            "SELECT next_fetch_at BETWEEN last_fetch_at + interval '59 minutes' AND last_fetch_at + interval '61 minutes' FROM symbol_intervals WHERE symbol = 'AAPL'"));
        Assert.True(await harness.ScalarAsync<bool>(
            "SELECT next_fetch_at BETWEEN last_fetch_at + interval '119 minutes' AND last_fetch_at + interval '121 minutes' FROM symbol_intervals WHERE symbol = 'MSFT'"));
        Assert.Equal(3L, (await harness.RequestsPerSymbolAsync()).Values.Sum());
        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>/readyz's status and postgres fields, when it answers with <paramref name="expected"/>.</summary>
    private static async Task<(string?, string?)> ReadinessAsync(WorkerProcess worker, HttpStatusCode expected)
    {
        using var response = await worker.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        if (response.StatusCode != expected)
        {
            return (null, null);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (body.GetProperty("status").GetString(), body.GetProperty("postgres").GetString());
    }
}
