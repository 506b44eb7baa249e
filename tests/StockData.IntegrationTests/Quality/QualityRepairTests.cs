using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Quality;

/// <summary>
/// Gap detection and repair end to end (docs/data-quality.md): the real binary, the simulator's drop and halt faults, real PostgreSQL. A first pass against an
/// upstream that silently leaves dates and dividends out, then <c>stockdata quality repair</c>.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class QualityRepairTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Repair_AfterAFirstPassMissingDatesAndDividends_StoreEqualsTheCleanHistory()
    {
        postgres.EnsureAvailable();
        await using var clean = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0");
        await using var faulty = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0",
            "--drop-dates", "0.05", "--drop-dividends", "0.2", "--fault-seed", "11");
        var file = ReplayHarness.WriteSymbolFile(QualityHarness.UsSymbols(200));
        var reference = new QualityHarness(postgres);
        var store = new QualityHarness(postgres);

        var cleanRun = await reference.ReplayAsync(clean, file, "--from", "2025-06-01");
        var firstPass = await store.ReplayAsync(faulty, file, "--from", "2025-06-01");
        Assert.True(cleanRun.ExitCode == 0, cleanRun.ToString());
        Assert.True(firstPass.ExitCode == 0, firstPass.ToString());
        var expectedBars = await reference.BarsChecksumAsync();
        var expectedEvents = await reference.EventsChecksumAsync();
        var rowsBefore = await store.ScalarAsync<long>("SELECT count(*) FROM daily_bars");
        // The faults took: about 5 % of the rows and some dividends are missing, every symbol answered 200.
        Assert.InRange(rowsBefore, 0.9 * await reference.ScalarAsync<long>("SELECT count(*) FROM daily_bars"),
            0.97 * await reference.ScalarAsync<long>("SELECT count(*) FROM daily_bars"));
        Assert.True(await store.ScalarAsync<long>("SELECT count(*) FROM dividends") < await reference.ScalarAsync<long>("SELECT count(*) FROM dividends"));

        // "on a first pass": the repair meets an upstream that answers in full again.
        var before = await QualityHarness.RequestsPerSymbolAsync(clean);
        var repair = await store.CliAsync(clean, null, "quality", "repair");
        var after = await QualityHarness.RequestsPerSymbolAsync(clean);

        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Equal(expectedBars, await store.BarsChecksumAsync());
        Assert.Equal(expectedEvents, await store.EventsChecksumAsync());
        var report = await store.ReportAsync(clean);
        var totals = report.GetProperty("totals");
        var found = totals.GetProperty("gaps_found").GetInt32();
        var missingRows = await reference.ScalarAsync<long>("SELECT count(*) FROM daily_bars") - rowsBefore;
        // Every missing row was a gap (plus the dividends), and every gap was repaired.
        Assert.True(found > missingRows, $"{found} gaps for {missingRows} missing rows");
        Assert.Equal(found, totals.GetProperty("repaired").GetInt32());
        Assert.Equal(0, totals.GetProperty("confirmed_missing").GetInt32());
        Assert.Equal(0, totals.GetProperty("open").GetInt32());
        var exchange = Assert.Single(report.GetProperty("exchanges").EnumerateArray());
        Assert.Equal("NMS", exchange.GetProperty("exchange").GetString());
        Assert.Equal(found, exchange.GetProperty("gaps_found").GetInt32());
        // The repairs went through the job machinery at low priority, and all finished.
        Assert.Equal(0L, await store.ScalarAsync<long>("SELECT count(*) FROM fetch_job_items WHERE priority <> 0 OR status <> 'done'"));
        // Planned by request cost: one request per symbol with gaps spans them all (a second only for what the first
        // revealed); symbols without a gap cost nothing. The budget ledger booked exactly those requests as repair.
        var gapped = (await store.ScalarAsync<string[]>("SELECT array_agg(DISTINCT symbol) FROM quality_gaps")).ToHashSet();
        Assert.NotEmpty(gapped);
        foreach (var (symbol, count) in after)
        {
            var spent = count - before.GetValueOrDefault(symbol);
            Assert.True(gapped.Contains(symbol) ? spent is >= 1 and <= 2 : spent == 0, $"{symbol}: {spent} repair requests");
        }

        Assert.Equal(after.Values.Sum() - before.Values.Sum(),
            await store.ScalarAsync<long>("SELECT coalesce(sum(requests), 0)::bigint FROM upstream_requests WHERE purpose = 'repair'"));
    }

    [Fact]
    public async Task Repair_DateAbsentOnEveryRequest_ConfirmedMissingAfterTheSetAttempts_ThenNotRetried()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0", "--halts", "AAPL:2026-10-15");
        var symbols = QualityHarness.UsSymbols(12);
        Assert.Contains("AAPL", symbols);
        var file = ReplayHarness.WriteSymbolFile(symbols);
        var store = new QualityHarness(postgres);
        var settings = new Dictionary<string, string?> { ["StockData__Quality__MaxAttempts"] = "2" };
        var replay = await store.ReplayAsync(sim, file, "--from", "2026-09-01");
        Assert.True(replay.ExitCode == 0, replay.ToString());

        var first = await store.CliAsync(sim, settings, "quality", "repair");
        var afterFirst = (await sim.StatsAsync()).GetProperty("per_symbol").GetProperty("AAPL").GetInt64();
        var second = await store.CliAsync(sim, settings, "quality", "repair");
        var afterSecond = (await sim.StatsAsync()).GetProperty("per_symbol").GetProperty("AAPL").GetInt64();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("confirmed_missing:2", await store.ScalarAsync<string>(
            "SELECT status || ':' || attempts FROM quality_gaps WHERE symbol = 'AAPL' AND kind = 'bar' AND date_to = '2026-10-15'"));
        // The replay, then exactly the set attempts; the second repair asked for nothing.
        Assert.Equal(3, afterFirst);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(1L, await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps"));
        var aapl = Assert.Single((await store.ReportAsync(sim, "--symbol", "AAPL")).GetProperty("symbols").EnumerateArray());
        Assert.Equal(1, aapl.GetProperty("confirmed_missing").GetInt32());
        Assert.Equal(0, aapl.GetProperty("open").GetInt32());
    }

    [Fact]
    public async Task Refetch_ResponsesLackingStoredRowsAndDividends_DeleteNothing_AndAreFlagged()
    {
        postgres.EnsureAvailable();
        await using var clean = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0");
        await using var faulty = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0",
            "--drop-dates", "0.2", "--drop-dividends", "1", "--fault-seed", "5");
        var file = ReplayHarness.WriteSymbolFile(QualityHarness.UsSymbols(20));
        var store = new QualityHarness(postgres);
        var stored = await store.ReplayAsync(clean, file, "--from", "2025-01-01");
        Assert.True(stored.ExitCode == 0, stored.ToString());
        var bars = await store.BarsChecksumAsync();
        var events = await store.EventsChecksumAsync();

        // The same range again (forced), from an upstream that leaves out a fifth of the dates and every dividend.
        var again = await store.ReplayAsync(faulty, file, "--from", "2025-01-01");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(bars, await store.BarsChecksumAsync());
        Assert.Equal(events, await store.EventsChecksumAsync());
        Assert.Equal(20L, await store.ScalarAsync<long>("SELECT count(DISTINCT symbol) FROM quality_suspicious WHERE stored_bars > response_bars"));
        Assert.True(await store.ScalarAsync<long>("SELECT coalesce(sum(missing_dividends), 0) FROM quality_suspicious") > 0);
        Assert.Equal(0L, await store.ScalarAsync<long>("SELECT count(*) FROM quality_suspicious WHERE status <> 'flagged'"));
        Assert.True((await store.ReportAsync(clean)).GetProperty("totals").GetProperty("suspicious_responses").GetInt32() >= 20);
    }
}
