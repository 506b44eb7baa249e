using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>Several <c>stockdata run</c> processes on one universe: the leases split the work.</summary>
[Collection(ProcessCollection.Name)]
public class DaemonReplicaTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Run_ThreeReplicas_EverySymbolFetchedExactlyOncePerCycle()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // 50 ms per response keeps each replica's few leases busy long enough for all three to take part.
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0", "--latency", "00:00:00.050");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        // 45 real tickers and one the upstream does not know.
        var symbols = ReplayHarness.SampleSymbols(45).Append("ZZDEAD").ToList();
        var names = new[] { "w1", "w2", "w3" };
        // The response cache is off here: this test counts upstream requests per cycle, and cycle 2 comes seconds
        // after cycle 1, where the cache would (rightly) answer from the shared entry.
        var noCache = new Dictionary<string, string?> { ["StockData__Cache__Enabled"] = "false" };
        var workers = await Task.WhenAll(names.Select(n => harness.StartWorkerAsync(n, noCache)));
        try
        {
            // Cycle 1: the universe appears while all three are already polling.
            await harness.SeedUniverseAsync(symbols);
            Assert.True(await WorkerProcess.EventuallyAsync(() => CycleDoneAsync(harness, symbols.Count, "1970-01-01"), Patience),
                Output(workers));
            var first = await harness.RequestsPerSymbolAsync();

            // Cycle 2: everything due again at once.
            var secondStart = await harness.ScalarAsync<DateTime>("SELECT now()");
            await harness.ExecuteAsync("UPDATE symbol_intervals SET next_fetch_at = now()");
            Assert.True(await WorkerProcess.EventuallyAsync(() => CycleDoneAsync(harness, symbols.Count, secondStart.ToString("O")), Patience),
                Output(workers));
            var second = await harness.RequestsPerSymbolAsync();

            Assert.Equal(symbols.Order(StringComparer.Ordinal), first.Keys.Order(StringComparer.Ordinal));
            // Not found: marked, and not tried again for a week (the second cycle forced every row due, itself included).
            Assert.Equal("not_found", await harness.ScalarAsync<string>("SELECT status FROM symbols WHERE symbol = 'ZZDEAD'"));
            Assert.True(await harness.ScalarAsync<bool>(
                "SELECT next_fetch_at > now() + interval '6 days' FROM symbol_intervals WHERE symbol = 'ZZDEAD'"));
            Assert.All(symbols, s => Assert.True(first[s] == 1, $"{s}: {first[s]} requests in cycle 1"));
            Assert.All(symbols, s => Assert.True(second[s] == 2, $"{s}: {second[s]} requests after cycle 2"));
            // Every replica took a share of the work, and none holds a lease any more.
            foreach (var worker in workers)
            {
                Assert.True(await worker.MetricAsync("stockdata_symbols_processed_total{outcome=\"ok\"}") > 0, $"{worker.Replica} fetched nothing");
                Assert.Equal(0, await worker.MetricAsync("stockdata_leases_held"));
                Assert.Equal(0, await worker.MetricAsync("stockdata_lease_takeovers_total"));
            }

            Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE lease_owner IS NOT NULL"));
            // The store-wide gauges, read from the database by every replica alike.
            foreach (var worker in workers)
            {
                Assert.True(await WorkerProcess.EventuallyAsync(async () =>
                    await worker.MetricAsync("stockdata_symbols{status=\"active\"}") == symbols.Count - 1 &&
                    await worker.MetricAsync("stockdata_symbols{status=\"not_found\"}") == 1 &&
                    await worker.MetricAsync("stockdata_symbols_due") == 0 &&
                    await worker.MetricAsync("stockdata_symbols_overdue") == 0, TimeSpan.FromSeconds(30)), worker.Replica);
            }

            // The next cycle is in the future: the daily schedule after the session end (01:00 next weekday, exchange time).
            Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE next_fetch_at <= now()"));
        }
        finally
        {
            var stops = await Task.WhenAll(workers.Select(w => w.StopAsync(TimeSpan.FromMinutes(1))));
            Assert.All(stops, s => Assert.True(s.ExitCode == 0, s.ToString()));
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    /// <summary>Every symbol fetched (committed or rejected) since <paramref name="since"/>, released and scheduled ahead.</summary>
    private static async Task<bool> CycleDoneAsync(DaemonHarness harness, int count, string since) =>
        await harness.ScalarAsync<long>(
            $"SELECT count(*) FROM symbol_intervals WHERE last_fetch_at > '{since}' AND lease_owner IS NULL AND next_fetch_at > now()") == count;

    private static string Output(IEnumerable<WorkerProcess> workers) =>
        string.Join("\n", workers.Select(w => $"--- {w.Replica}\n{w.Process.StandardOutput}\n{w.Process.StandardError}"));
}
