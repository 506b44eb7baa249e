using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary>
/// <c>stockdata-bench daemon</c> end to end at a tiny scale: real <c>stockdata run</c> replicas (1, then 2) refresh a
/// seeded universe, and every figure of the JSON agrees with the others (never with one machine's times).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BenchDaemonCommandTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static readonly string[] Keys =
    [
        "symbols", "replicas", "seconds", "refreshed", "failed", "symbols_per_s", "rows", "rows_inserted", "rows_updated", "rows_unchanged",
        "claim_rounds", "claim_rounds_per_s", "leases_claimed", "leases_claimed_per_s", "leases_renewed", "leases_renewed_per_s", "lease_takeovers",
        "backends", "postgres_cpu_s", "postgres_cores", "postgres_cpu_ms_per_symbol", "replicas_cpu_s", "replicas_cores", "replica_cpu_s",
        "replicas_cpu_ms_per_symbol", "commits", "commits_per_symbol", "wal_syncs", "wal_syncs_per_s", "wal_bytes_per_symbol", "simulator_cpu_s", "simulator_cores", "cores", "load_before", "load_after", "settings", "server",
    ];

    [Fact]
    public async Task BenchDaemon_FiftySymbolsOneThenTwoReplicas_EverySymbolRefreshed_FiguresConsistent_DropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        const int symbols = 50, newBars = 2;
        var result = await ProcessRunner.RunStockDataBenchAsync(
            ["daemon", "--symbols", $"{symbols}", "--replicas", "1,2", "--history-days", "30", "--new-bars", $"{newBars}", "--max-leases", "16",
                "--claim-batch", "4", "--json"],
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
                ["ConnectionStrings__Redis"] = redis.ConnectionString,
                ["StockData__RateLimit__KeyPrefix"] = redis.KeyPrefix,
            },
            TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal([1, 2], runs.Select(r => r.GetProperty("replicas").GetInt32()));
        foreach (var run in runs)
        {
            var replicas = run.GetProperty("replicas").GetInt32();
            Assert.Equal(Keys, run.EnumerateObject().Select(p => p.Name));
            Assert.Equal(symbols, run.GetProperty("symbols").GetInt32());
            Assert.Equal(symbols, run.GetProperty("refreshed").GetInt64());
            Assert.Equal(0, run.GetProperty("failed").GetInt64());

            // The same refresh every run: the removed days come back as new rows, the overlap before them is met unchanged.
            var (inserted, updated, unchanged) = (Long(run, "rows_inserted"), Long(run, "rows_updated"), Long(run, "rows_unchanged"));
            Assert.Equal(inserted + updated + unchanged, Long(run, "rows"));
            Assert.Equal(symbols * newBars, inserted);
            Assert.True(unchanged > 0, "an incremental refresh re-reads its overlap");

            // Every symbol claimed once (no lease expired in a run this short), in rounds of at most the claim batch
            // (and rounds that found nothing due: an idle replica polls).
            Assert.Equal(symbols, Long(run, "leases_claimed"));
            Assert.True(Long(run, "claim_rounds") >= (symbols + 3) / 4, $"{Long(run, "claim_rounds")} claim rounds");
            Assert.Equal(0, Long(run, "lease_takeovers"));
            var seconds = run.GetProperty("seconds").GetDouble();
            Assert.True(seconds >= 0.01, $"{seconds} s");
            // The rates come from the unrounded time, "seconds" is printed to 0.01 s: in a run of a second or two that
            // rounding moves symbols / seconds by up to symbols × 0.005 / seconds², beside the rate's own 0.05.
            var tolerance = (symbols * 0.0051 / (seconds * (seconds - 0.005))) + 0.051;
            Assert.Equal(symbols / seconds, run.GetProperty("symbols_per_s").GetDouble(), tolerance);
            Assert.Equal(Long(run, "leases_claimed") / seconds, run.GetProperty("leases_claimed_per_s").GetDouble(), tolerance);

            // Backends: the replicas' own, active ones a subset, the server's all at least as many.
            var backends = run.GetProperty("backends");
            Assert.True(backends.GetProperty("samples").GetInt32() > 0);
            Assert.InRange(backends.GetProperty("open_max").GetInt32(), replicas, 1000);
            Assert.InRange(backends.GetProperty("active_max").GetInt32(), 0, backends.GetProperty("open_max").GetInt32());
            Assert.True(backends.GetProperty("server_max").GetInt32() >= backends.GetProperty("open_max").GetInt32());
            // What the active ones waited for are disjoint parts of them (each mean rounded to 0.01).
            var parts = new[] { "active_on_cpu_mean", "active_wal_flush_mean", "active_lock_mean", "active_other_io_mean" }
                .Select(k => backends.GetProperty(k).GetDouble()).ToList();
            Assert.All(parts, part => Assert.True(part >= 0));
            Assert.True(parts.Sum() <= backends.GetProperty("active_mean").GetDouble() + 0.05, string.Join(", ", parts));

            // CPU: one figure per replica, each used some; the totals and per-symbol figures are the same numbers.
            var perReplica = run.GetProperty("replica_cpu_s").EnumerateArray().Select(e => e.GetDouble()).ToList();
            Assert.Equal(replicas, perReplica.Count);
            Assert.All(perReplica, cpu => Assert.True(cpu > 0, "every replica ran"));
            Assert.Equal(perReplica.Sum(), run.GetProperty("replicas_cpu_s").GetDouble(), 0.05);
            Assert.Equal(run.GetProperty("replicas_cpu_s").GetDouble() / symbols * 1000, run.GetProperty("replicas_cpu_ms_per_symbol").GetDouble(), 1.0);
            // The test server runs on this machine (scripts/services.sh): its process tree is visible in /proc.
            var postgresCpu = run.GetProperty("postgres_cpu_s").GetDouble();
            Assert.True(postgresCpu > 0, "PostgreSQL did the writes");
            Assert.Equal(postgresCpu / symbols * 1000, run.GetProperty("postgres_cpu_ms_per_symbol").GetDouble(), 1.0);
            Assert.Equal(postgresCpu / seconds, run.GetProperty("postgres_cores").GetDouble(), 0.05);
            // Every refresh commits at least its lease's release and writes WAL; the WAL is synced only where fsync is on
            // (the test servers run without it, scripts/bench.sh's with it).
            Assert.True(Long(run, "commits") >= symbols, $"{Long(run, "commits")} commits");
            Assert.Equal((double)Long(run, "commits") / symbols, run.GetProperty("commits_per_symbol").GetDouble(), 0.01);
            Assert.True(run.GetProperty("wal_bytes_per_symbol").GetDouble() > 0);
            Assert.Equal(run.GetProperty("server").GetProperty("fsync").GetString() == "on", Long(run, "wal_syncs") > 0);
            Assert.Equal(Environment.ProcessorCount, run.GetProperty("cores").GetInt32());
            Assert.Equal(3, run.GetProperty("load_before").GetString()!.Split(' ').Length);
            var settings = run.GetProperty("settings");
            Assert.Equal(16, settings.GetProperty("max_leases").GetInt32());
            Assert.Equal(4, settings.GetProperty("claim_batch").GetInt32());
        }

        Assert.Contains("seeding: 50 symbols", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }

    [Fact]
    public async Task BenchDaemon_BadReplicaList_UsageErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataBenchAsync(["daemon", "--replicas", "1,x"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--replicas", result.StandardError, StringComparison.Ordinal);
    }

    private static long Long(JsonElement run, string key) => run.GetProperty(key).GetInt64();
}
