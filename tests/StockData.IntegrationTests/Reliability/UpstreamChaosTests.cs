using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Reliability;

/// <summary>
/// The upstream misbehaving in every way at once: 10 % 5xx (500 and 503), 5 % 429, 2 % truncated bodies, 2 % slower
/// than the attempt timeout and 1 % connection resets, per request. Every symbol must either land complete (its bars
/// equal a fault-free run's) or be recorded with its category, and ok + not found + failed = input. The default suite
/// runs 200 symbols; <c>STOCKDATA_SOAK_SYMBOLS=1000 scripts/soak.sh</c> runs the 1,000-symbol soak (docs/reliability.md).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class UpstreamChaosTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    /// <summary>Categories a failed symbol may be recorded with (an upstream failure past the retries).</summary>
    private static readonly string[] FailureCategories = ["server_error", "rate_limited", "malformed", "not_found"];

    [GeneratedRegex(@"^/v8/finance/chart/[A-Z0-9]+$")]
    private static partial Regex ChartPath();

    public static int SymbolCount =>
        int.TryParse(Environment.GetEnvironmentVariable("STOCKDATA_SOAK_SYMBOLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : 200;

    [Fact]
    public async Task Replay_UpstreamChaos_EverySymbolCompleteOrRecorded_CountsAddUp()
    {
        postgres.EnsureAvailable();
        var count = SymbolCount;
        // Synthetic tickers (the simulator makes a history for any name) and 2 % unknown ones (^ZZ: 404).
        var symbols = Enumerable.Range(1, count).Select(i => i % 50 == 0 ? $"ZZCH{i:D4}" : $"CH{i:D4}").ToList();
        var file = ReplayHarness.WriteSymbolFile(symbols);
        var notFoundExpected = symbols.Count(s => s.StartsWith("ZZ", StringComparison.Ordinal));

        Dictionary<string, string> cleanSums;
        await using (var cleanSim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0"))
        {
            var clean = new ReplayHarness(postgres, cleanSim);
            var cleanRun = await clean.RunAsync(file, null, "--from", "2022-01-01");
            Assert.True(cleanRun.ExitCode == 0, cleanRun.ToString());
            cleanSums = await clean.SymbolChecksumsAsync();
        }

        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0", "--fault-seed", "9",
            "--fault-500", "0.05", "--fault-503", "0.05", "--fault-429", "0.05", "--fault-truncate", "0.02",
            "--fault-slow", "0.02", "--slow-delay", "00:00:05", "--fault-reset", "0.01", "--fault-retry-after", "00:00:01");
        var harness = new ReplayHarness(postgres, sim);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await ProcessRunner.RunStockDataAsync(harness.Arguments(file, "--from", "2022-01-01"), harness.Environment(
            new Dictionary<string, string?>
            {
                // "Slow" answers take 5 s; the attempt gives up after 1 s and the retry goes on.
                ["StockData__Yahoo__AttemptTimeout"] = "00:00:01",
                ["StockData__Yahoo__ConnectTimeout"] = "00:00:01",
            }), TimeSpan.FromMinutes(30));
        var elapsed = started.Elapsed;

        var ok = ReplayHarness.SummaryValue(result, "symbols ok");
        var notFound = ReplayHarness.SummaryValue(result, "symbols not found");
        var failed = ReplayHarness.SummaryValue(result, "symbols failed");
        Assert.True(ok + notFound + failed == count, result.ToString());
        // An unknown symbol is not found, unless all its attempts drew a fault first: then it failed with that category.
        Assert.InRange(notFound, notFoundExpected - failed, notFoundExpected);
        Assert.Equal(failed > 0 ? 1 : 0, result.ExitCode);

        // Landed means complete: exactly the fault-free run's bars. Everything else has a reject with its category.
        var sums = await harness.SymbolChecksumsAsync();
        var watermarked = (await harness.ScalarAsync<string>(
            "SELECT coalesce(string_agg(symbol, ','), '') FROM symbol_intervals WHERE watermark IS NOT NULL")).Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ok, watermarked.Length);
        Assert.All(watermarked, s => Assert.Equal(cleanSums[s], sums.GetValueOrDefault(s)));
        Assert.Empty(await harness.ViolationsAsync(cleanSums));
        var rejected = await RejectsAsync(harness);
        Assert.Equal(notFound + failed, rejected.Count);
        Assert.All(rejected, r => Assert.Contains(r.Value, FailureCategories));
        Assert.Empty(rejected.Keys.Intersect(watermarked));
        Assert.Equal(symbols.Order(StringComparer.Ordinal), rejected.Keys.Concat(watermarked).Order(StringComparer.Ordinal));
        Assert.All(rejected.Where(r => r.Value == "not_found"), r => Assert.StartsWith("ZZ", r.Key, StringComparison.Ordinal));
        Assert.Equal(notFound, rejected.Count(r => r.Value == "not_found"));

        // The faults really happened, and no request went anywhere but a chart path of an input symbol.
        var stats = await sim.StatsAsync();
        var faults = stats.GetProperty("faults").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.All(new[] { "500", "503", "429", "truncated", "slow", "reset" }, f => Assert.True(faults.GetValueOrDefault(f) > 0, $"no {f} fault injected"));
        Assert.All(await sim.PathsAsync(), p => Assert.Matches(ChartPath(), p));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos: {count} symbols in {elapsed.TotalSeconds:0} s, {stats.GetProperty("total_requests").GetInt64()} requests, faults " +
            $"{string.Join(", ", faults.Select(f => $"{f.Key}={f.Value}"))}; ok {ok}, not found {notFound}, failed {failed} " +
            $"({string.Join(", ", rejected.Values.GroupBy(v => v).Select(g => $"{g.Key}={g.Count()}"))}), rows {sums.Values.Sum(RowsOf)}"));
    }

    private static long RowsOf(string sum) => long.Parse(sum.Split(':')[0], CultureInfo.InvariantCulture);

    /// <summary>Each rejected symbol with the category of its (only) reject.</summary>
    private static async Task<Dictionary<string, string>> RejectsAsync(ReplayHarness harness)
    {
        var json = await harness.ScalarAsync<string>(
            "SELECT coalesce(json_object_agg(symbol, category), '{}')::text FROM (SELECT DISTINCT ON (symbol) symbol, category FROM fetch_rejects ORDER BY symbol, id) r");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
    }
}
