using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Ingest;

/// <summary>The replay verb end to end: a real simulator over HTTP, the real binary, real PostgreSQL.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ReplayCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Replay_Twice_IdenticalTable_SecondRunAllUnchanged()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var harness = new ReplayHarness(postgres, sim);
        var file = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(30));

        var first = await harness.RunAsync(file, null, "--from", "2024-01-01");
        var afterFirst = await harness.BarsChecksumAsync();
        var second = await harness.RunAsync(file);
        var afterSecond = await harness.BarsChecksumAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(30, ReplayHarness.SummaryValue(first, "symbols ok"));
        Assert.True(ReplayHarness.SummaryValue(first, "rows inserted") > 30 * 400);
        Assert.Equal(afterFirst, afterSecond);
        // The second run is incremental (from the watermarks minus the overlap): nothing new, nothing changed.
        Assert.Equal(0, ReplayHarness.SummaryValue(second, "rows inserted"));
        Assert.Equal(0, ReplayHarness.SummaryValue(second, "rows updated"));
        Assert.InRange(ReplayHarness.SummaryValue(second, "rows unchanged"), 30, 30 * 20);
        Assert.Equal(30L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE watermark IS NOT NULL"));
    }

    [Fact]
    public async Task Replay_UpstreamFaults_GoodSymbolsLand_BadOnesRecordedWithCategory()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0",
            "--fault-500", "0.15", "--fault-503", "0.1", "--fault-429", "0.1", "--fault-truncate", "0.1", "--fault-seed", "42");
        var harness = new ReplayHarness(postgres, sim);
        var symbols = ReplayHarness.SampleSymbols(40).Concat(["ZZNOPE1", "ZZNOPE2"]).ToList();
        var file = ReplayHarness.WriteSymbolFile(symbols);

        var result = await harness.RunAsync(file, new Dictionary<string, string?> { ["StockData__Fetch__MaxRetries"] = "2" },
            "--from", "2025-01-01");

        var ok = ReplayHarness.SummaryValue(result, "symbols ok");
        var notFound = ReplayHarness.SummaryValue(result, "symbols not found");
        var failed = ReplayHarness.SummaryValue(result, "symbols failed");
        Assert.Equal(symbols.Count, ok + notFound + failed);
        Assert.Equal(2, notFound);
        Assert.True(ok > 0, result.ToString());
        Assert.Equal(failed > 0 ? 1 : 0, result.ExitCode);

        // Every symbol either landed (a watermark and bars) or has a reject with an upstream category.
        var landed = await harness.ScalarAsync<long>(
            "SELECT count(*) FROM symbol_intervals si WHERE watermark IS NOT NULL AND EXISTS (SELECT 1 FROM daily_bars b WHERE b.symbol = si.symbol)");
        var rejected = await harness.ScalarAsync<long>(
            "SELECT count(DISTINCT symbol) FROM fetch_rejects WHERE category IN ('not_found', 'server_error', 'rate_limited', 'malformed')");
        Assert.Equal(ok, landed);
        Assert.Equal(notFound + failed, rejected);
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbols WHERE status = 'not_found'"));
        if (failed > 0)
        {
            Assert.Contains("symbols failed", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Replay_CancelledMidRun_RunAgain_FullSetNoDuplicates()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var symbols = ReplayHarness.SampleSymbols(120);
        var file = ReplayHarness.WriteSymbolFile(symbols);
        var clean = new ReplayHarness(postgres, sim);
        var cleanRun = await clean.RunAsync(file, null, "--from", "2018-01-01");
        Assert.True(cleanRun.ExitCode == 0, cleanRun.ToString());

        var harness = new ReplayHarness(postgres, sim);
        var servedBefore = (await sim.StatsAsync(TestContext.Current.CancellationToken)).GetProperty("total_requests").GetInt64();
        // Slowed to 25 requests/s so the stop lands mid-run. The stop is sent once the simulator has served 30 of the 120
        // requests, not once the store holds some rows: waiting on committed rows once saw the whole 4.9 s run end first
        // (exit 0, nothing to stop), the count staying under its mark until then.
        await using (var replay = harness.Start(file, null, "--from", "2018-01-01", "--concurrency", "2", "--rate", "25", "--burst", "1"))
        {
            Assert.True(await replay.WaitUntilAsync(async () =>
                (await sim.StatsAsync(TestContext.Current.CancellationToken)).GetProperty("total_requests").GetInt64() - servedBefore >= 30,
                TimeSpan.FromMinutes(2)), replay.StandardError);
            // SIGINT: stop the source, drain, commit completed batches. A suite started in the background by a shell
            // without job control inherits SIGINT ignored, and so does the child (the runtime keeps an ignored SIGINT
            // ignored, as a CLI should under nohup or `&`): the replay then ran to the end, exit 0. SIGTERM takes the
            // same path in the replay, so it stands in for Ctrl-C there.
            replay.Signal(ChildProcess.IgnoresSignal(replay.Id, 2) ? 15 : 2);
            var stopped = await replay.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(stopped.ExitCode == 1, stopped.ToString());
            Assert.Contains("stopped before the end of the input", stopped.StandardError, StringComparison.Ordinal);
        }

        var partial = await harness.ScalarAsync<long>("SELECT count(DISTINCT symbol) FROM daily_bars");
        Assert.InRange(partial, 1, symbols.Count - 1);
        // No watermark ahead of its data.
        Assert.Equal(0L, await harness.ScalarAsync<long>(
            "SELECT count(*) FROM symbol_intervals si WHERE watermark > (SELECT max(ts) FROM daily_bars b WHERE b.symbol = si.symbol)"));

        var again = await harness.RunAsync(file, null, "--from", "2018-01-01");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(await clean.BarsChecksumAsync(), await harness.BarsChecksumAsync());
    }

    [Fact]
    public async Task Replay_MalformedSymbolFile_PerLineErrors_ValidLinesProcessed()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var harness = new ReplayHarness(postgres, sim);
        var file = ReplayHarness.WriteSymbolFile(
        [
            "# a comment", "AAPL", "../../etc/passwd", "MSFT", "A%2FB", "BRK-B", "'; DROP TABLE daily_bars; --", "МSFT", "", "AAPL",
            new string('X', 400), "^GSPC",
        ]);

        var result = await harness.RunAsync(file, null, "--from", "2026-01-01");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4, ReplayHarness.SummaryValue(result, "symbols ok"));
        Assert.Equal(5, ReplayHarness.SummaryValue(result, "input lines rejected"));
        foreach (var line in new[] { 3, 5, 7, 8, 11 })
        {
            Assert.Contains($"{file}:{line}: ", result.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(["AAPL", "BRK-B", "MSFT", "^GSPC"],
            (await harness.ScalarAsync<string>("SELECT string_agg(DISTINCT symbol, ',' ORDER BY symbol) FROM daily_bars")).Split(','));
        // The hostile lines never reached the upstream: every recorded path is one of the valid symbols.
        Assert.All(await sim.PathsAsync(), p => Assert.Matches(@"^/v8/finance/chart/(AAPL|MSFT|BRK-B|%5EGSPC)$", p));
    }

    [Fact]
    public async Task Replay_MissingFileOrBadOption_UsageErrorExit2()
    {
        var missing = await ProcessRunner.RunStockDataAsync(["replay", "/nonexistent/symbols.txt"]);
        var badInterval = await ProcessRunner.RunStockDataAsync(["replay", "-", "--interval", "7x"]);
        var badDate = await ProcessRunner.RunStockDataAsync(["replay", "-", "--from", "yesterday"]);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file", missing.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, badInterval.ExitCode);
        Assert.Contains("--interval", badInterval.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("--from", badDate.StandardError, StringComparison.Ordinal);
    }
}
