using System.Net;
using System.Text.Json;
using StockData.IntegrationTests.Export;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// A worker and <c>export</c> with <c>ConnectionStrings:PostgresRead</c> on the streaming standby scripts/services.sh
/// starts: reads served by it (its own pg_stat_activity shows the worker, and <c>stockdata_store_reads_total</c> counts
/// them), <c>refresh=true</c> and reads of what the worker just wrote served by the primary while the standby's replay
/// is paused (the standby does not have those rows, so an answer with them proves where it came from), the standby
/// stopped mid-run (reads go on from the primary, <c>/readyz</c> degraded, back to the standby once it returns), and an
/// export from the standby with the manifest an export from the primary gives. In the process collection, never in
/// parallel: these tests pause and stop the shared standby.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonReadReplicaTests(StandbyFixture postgres, RedisFixture redis) : IClassFixture<StandbyFixture>, IClassFixture<RedisFixture>
{
    private const string Standby = """stockdata_store_reads_total{target="standby"}""";
    private const string Primary = """stockdata_store_reads_total{target="primary"}""";

    private static readonly Dictionary<string, string?> HttpOnly = new()
    {
        ["StockData__Daemon__Enabled"] = "false",
        ["StockData__Quality__Enabled"] = "false",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_FromTheStandby_RefreshAndReadAfterWrite_FromThePrimary_UntilTheStandbyReplaysThem()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0");
        var harness = new DaemonHarness(postgres, redis, sim);
        await using (var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema))
        {
            await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(5))), Ct);
        }

        await using var worker = await harness.StartWorkerAsync("reader", HttpOnly);
        var aaa = await GetAsync(worker, "/bars/AAA");
        Assert.Equal(1, await worker.MetricAsync(Standby));
        Assert.Equal(0, await worker.MetricAsync(Primary));
        // The worker's backends on the standby, under its application_name.
        Assert.True(await postgres.StandbyScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", "daemon_" + harness.Schema) > 0);
        Assert.Equal("ok", (await ReadyAsync(worker)).GetProperty("postgres_read").GetString());

        await postgres.StandbyScalarAsync<object>("SELECT pg_wal_replay_pause()::text");
        try
        {
            // refresh=true reads the primary; so does the read right after, of what this worker just wrote: the
            // standby, paused, has never seen ORCL (it would answer 404).
            var refreshed = await GetAsync(worker, "/bars/ORCL?refresh=true&from=2026-11-02");
            var readAfterWrite = await GetAsync(worker, "/bars/ORCL?from=2026-11-02");
            Assert.Equal(refreshed, readAfterWrite);
            Assert.Equal(20, JsonDocument.Parse(readAfterWrite).RootElement.GetProperty("bars").GetArrayLength());
            Assert.Equal(0L, await postgres.StandbyScalarAsync<long>($"SELECT count(*) FROM {harness.Schema}.daily_bars WHERE symbol = 'ORCL'"));
            Assert.Equal(2, await worker.MetricAsync(Primary));
            // What this worker did not write still comes from the standby, paused or not.
            Assert.Equal(aaa, await GetAsync(worker, "/bars/AAA"));
            Assert.Equal(2, await worker.MetricAsync(Standby));
        }
        finally
        {
            await postgres.StandbyScalarAsync<object>("SELECT pg_wal_replay_resume()::text");
        }

        // Once the standby has replayed the write, the same read goes to it and answers the same.
        await postgres.CatchUpAsync();
        Assert.Equal(await GetAsync(worker, "/bars/ORCL?from=2026-11-02"), await GetAsync(worker, "/bars/ORCL?from=2026-11-02&refresh=false"));
        Assert.Equal(4, await worker.MetricAsync(Standby));
        Assert.Equal(2, await worker.MetricAsync(Primary));
        // The catalog too (two reads: the symbol's row and its coverage), from the standby.
        var symbol = await GetAsync(worker, "/symbols/ORCL");
        Assert.Equal(6, await worker.MetricAsync(Standby));
        Assert.Contains("\"ORCL\"", symbol, StringComparison.Ordinal);
        Assert.True(await worker.MetricAsync("stockdata_replica_up") == 1);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Fact]
    public async Task StandbyStopped_ReadsFromThePrimary_ReadyzDegraded_BackToTheStandbyWhenItReturns()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using (var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema))
        {
            await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(5)), Fetch("BBB", Daily(3, basePrice: 40))), Ct);
        }

        await using var worker = await harness.StartWorkerAsync("failover", HttpOnly);
        var aaa = await GetAsync(worker, "/bars/AAA");
        var port = File.ReadAllText(Path.Combine(postgres.StandbyDirectory, "port")).Trim();
        await ServicesAsync("pg-stop", postgres.StandbyDirectory);
        try
        {
            // Every read still answers, from the primary; /readyz stays 200 and says the standby is away.
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(aaa, await GetAsync(worker, "/bars/AAA"));
            }

            Assert.Contains("\"BBB\"", await GetAsync(worker, "/symbols"), StringComparison.Ordinal);
            var ready = await ReadyAsync(worker);
            Assert.Equal("ready", ready.GetProperty("status").GetString());
            Assert.Equal("degraded", ready.GetProperty("postgres_read").GetString());
            Assert.Equal($"127.0.0.1:{port}", ready.GetProperty("standby").GetString());
            Assert.Equal(6, await worker.MetricAsync(Primary));
            Assert.Equal(1, await worker.MetricAsync(Standby));
            Assert.True(await WorkerProcess.EventuallyAsync(async () => await worker.MetricAsync("stockdata_replica_up") == 0, TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await ServicesAsync("pg-start", postgres.StandbyDirectory, port);
        }

        // Back: the sampler finds it within its poll interval, and reads return to it.
        Assert.True(await WorkerProcess.EventuallyAsync(
            async () => (await ReadyAsync(worker)).GetProperty("postgres_read").GetString() == "ok", TimeSpan.FromSeconds(60)));
        await postgres.CatchUpAsync();
        var standbyReads = await worker.MetricAsync(Standby);
        Assert.Equal(aaa, await GetAsync(worker, "/bars/AAA"));
        Assert.Equal(standbyReads + 1, await worker.MetricAsync(Standby));
        Assert.Contains("The read replica 127.0.0.1:" + port + " cannot answer", worker.Process.StandardOutput + worker.Process.StandardError, StringComparison.Ordinal);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Fact]
    public async Task Export_FromTheStandby_TheManifestOfThePrimary_AndTheStandbysOwnStateWhileItLags()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        using var harness = await ExportHarness.ReplayAsync(postgres, sim, 4, "2020-01-01");
        var fromStandby = harness.NewDirectory();
        var fromPrimary = harness.NewDirectory();
        var primaryOnly = new Dictionary<string, string?> { ["ConnectionStrings__PostgresRead"] = "" };
        Assert.True((await harness.ExportAsync("--all", "--format", "csv", "--out", fromStandby)).ExitCode == 0);
        Assert.True((await harness.ExportWithAsync(primaryOnly, "--all", "--format", "csv", "--out", fromPrimary)).ExitCode == 0);
        var manifest = File.ReadAllText(Path.Combine(fromPrimary, "manifest.json"));
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(fromStandby, "manifest.json")));

        // Proof of where it read: with the standby's replay paused, a change on the primary is not in the export
        // through the standby (its manifest is the old one), while the primary's export has it.
        await postgres.StandbyScalarAsync<object>("SELECT pg_wal_replay_pause()::text");
        try
        {
            await harness.Replay.ScalarAsync<object>(
                "UPDATE daily_bars SET close = close + 1 WHERE (symbol, trade_date) = (SELECT symbol, max(trade_date) FROM daily_bars GROUP BY symbol ORDER BY symbol LIMIT 1) RETURNING 1");
            var paused = harness.NewDirectory();
            var changed = harness.NewDirectory();
            Assert.True((await RunExportAsync(harness, null, paused)).ExitCode == 0);
            Assert.True((await RunExportAsync(harness, primaryOnly, changed)).ExitCode == 0);
            Assert.Equal(manifest, File.ReadAllText(Path.Combine(paused, "manifest.json")));
            Assert.NotEqual(manifest, File.ReadAllText(Path.Combine(changed, "manifest.json")));
        }
        finally
        {
            await postgres.StandbyScalarAsync<object>("SELECT pg_wal_replay_resume()::text");
        }
    }

    /// <summary>An export without waiting for the standby (the test's point is that it lags).</summary>
    private static Task<ProcessResult> RunExportAsync(ExportHarness harness, IDictionary<string, string?>? environment, string directory) =>
        ProcessRunner.RunStockDataAsync(["export", "--all", "--format", "csv", "--out", directory], harness.Replay.Environment(environment), TimeSpan.FromMinutes(5));

    private static async Task<string> GetAsync(WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        return text;
    }

    private static async Task<JsonElement> ReadyAsync(WorkerProcess worker)
    {
        using var response = await worker.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private static async Task ServicesAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "services.sh"), .. arguments], timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
