using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Quality;

/// <summary>
/// The peer rule on a seven-day exchange (the simulator's crypto, CCC in UTC) next to a weekday one (New York), end
/// to end: the real binary, the simulator, real PostgreSQL. Weekend dates are trading dates where the peers trade
/// them, and only there.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class QualitySevenDayTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] Coins =
        ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "LTC-USD", "DOT-USD", "BNB-USD", "AVAX-USD"];

    /// <summary>
    /// Without the live bar: at noon on a Saturday crypto's Saturday is still forming, so every symbol's last stored
    /// date is a finished day before the fetch date (and a lost last bar is found like any other).
    /// </summary>
    private static readonly string[] Simulator = ["--now", QualityHarness.Now, "--null-rows", "0", "--live-bar", "false"];

    [Fact]
    public async Task Repair_SevenDayExchange_FindsDeletedWeekendBars_InventsNoWeekendGaps()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync(Simulator);
        var equities = QualityHarness.UsSymbols(6);
        var file = ReplayHarness.WriteSymbolFile([.. Coins[..6], .. equities]);
        var store = new QualityHarness(postgres);
        var replay = await store.ReplayAsync(sim, file, "--from", "2026-09-01");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        var complete = await store.BarsChecksumAsync();
        // The store holds crypto weekends and no equity weekend.
        Assert.True(await store.ScalarAsync<long>(
            "SELECT count(*) FROM daily_bars b JOIN symbols s USING (symbol) WHERE s.exchange_name = 'CCC' AND extract(isodow FROM b.trade_date) >= 6") > 0);
        Assert.Equal(0L, await store.ScalarAsync<long>(
            "SELECT count(*) FROM daily_bars b JOIN symbols s USING (symbol) WHERE s.exchange_name = 'NMS' AND extract(isodow FROM b.trade_date) >= 6"));

        // A Saturday, a Sunday and a Tuesday lost from three coins, a Wednesday from one equity.
        var lost = new[] { (Coins[0], "2026-10-17"), (Coins[1], "2026-10-18"), (Coins[2], "2026-10-20"), (equities[0], "2026-10-14") };
        foreach (var (symbol, date) in lost)
        {
            Assert.Equal(1L, await store.ScalarAsync<long>(
                $"WITH d AS (DELETE FROM daily_bars WHERE symbol = '{symbol}' AND trade_date = '{date}' RETURNING 1) SELECT count(*) FROM d"));
        }

        var repair = await store.CliAsync(sim, null, "quality", "repair");

        Assert.True(repair.ExitCode == 0, repair.ToString());
        // Exactly the lost dates were gaps (no equity weekend, no other crypto date), and each was fetched back.
        Assert.Equal(string.Join(",", lost.OrderBy(l => l.Item1, StringComparer.Ordinal).Select(l => $"{l.Item1}:{l.Item2}:repaired")),
            await store.ScalarAsync<string>(
                "SELECT string_agg(symbol || ':' || date_to || ':' || status, ',' ORDER BY symbol COLLATE \"C\") FROM quality_gaps WHERE kind = 'bar'"));
        Assert.Equal(0L, await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps WHERE kind <> 'bar'"));
        Assert.Equal(complete, await store.BarsChecksumAsync());
        var exchanges = (await store.ReportAsync(sim)).GetProperty("exchanges").EnumerateArray()
            .ToDictionary(e => e.GetProperty("exchange").GetString()!, e => e.GetProperty("gaps_found").GetInt32());
        Assert.Equal(3, exchanges["CCC"]);
        Assert.Equal(1, exchanges["NMS"]);
    }

    [Fact]
    public async Task Repair_SevenDayExchange_AfterAFirstPassMissingDates_StoreEqualsTheCleanHistory()
    {
        postgres.EnsureAvailable();
        await using var clean = await SimulatorProcess.StartAsync(Simulator);
        await using var faulty = await SimulatorProcess.StartAsync([.. Simulator, "--drop-dates", "0.01", "--fault-seed", "7"]);
        var file = ReplayHarness.WriteSymbolFile(Coins);
        var reference = new QualityHarness(postgres);
        var store = new QualityHarness(postgres);

        var cleanRun = await reference.ReplayAsync(clean, file, "--from", "2026-06-01");
        var firstPass = await store.ReplayAsync(faulty, file, "--from", "2026-06-01");
        Assert.True(cleanRun.ExitCode == 0, cleanRun.ToString());
        Assert.True(firstPass.ExitCode == 0, firstPass.ToString());
        var expected = await reference.BarsChecksumAsync();
        var missing = await reference.ScalarAsync<long>("SELECT count(*) FROM daily_bars") - await store.ScalarAsync<long>("SELECT count(*) FROM daily_bars");
        Assert.True(missing > 0, "the drop fault took no date");

        var repair = await store.CliAsync(clean, null, "quality", "repair");

        Assert.True(repair.ExitCode == 0, repair.ToString());
        // With ten peers a date three of them lost is below the 80 % share and no trading date (docs/data-quality.md,
        // "Thin exchanges"); at a 1 % drop rate that is rare enough for this history to hold none.
        Assert.Equal("", await store.ScalarAsync<string>(
            $"SELECT coalesce(string_agg(symbol || ':' || trade_date, ','), '') FROM (SELECT symbol, trade_date FROM {reference.Schema}.daily_bars " +
            $"EXCEPT SELECT symbol, trade_date FROM {store.Schema}.daily_bars) x"));
        Assert.Equal(expected, await store.BarsChecksumAsync());
        // One gap per lost row, weekend ones among them, all repaired; nothing else was taken for a gap.
        Assert.Equal(missing, await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps WHERE kind = 'bar' AND status = 'repaired'"));
        Assert.Equal(missing, await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps"));
        Assert.True(await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps WHERE extract(isodow FROM date_to) >= 6") > 0);
    }

    [Fact]
    public async Task Repair_SevenDayExchangeWithFewerPeersThanTheMinimum_NotChecked()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync(Simulator);
        var file = ReplayHarness.WriteSymbolFile(Coins[..4]);
        var store = new QualityHarness(postgres);
        var replay = await store.ReplayAsync(sim, file, "--from", "2026-10-01");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(1L, await store.ScalarAsync<long>(
            $"WITH d AS (DELETE FROM daily_bars WHERE symbol = '{Coins[0]}' AND trade_date = '2026-10-17' RETURNING 1) SELECT count(*) FROM d"));
        var requestsBefore = (await sim.StatsAsync()).GetProperty("total_requests").GetInt64();

        var repair = await store.CliAsync(sim, null, "quality", "repair");

        // Four peers are below MinPeers (5): no date of the exchange is a trading date, so no gap and no fetch
        // (docs/data-quality.md, "Thin exchanges").
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Equal(0L, await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps"));
        Assert.Equal(requestsBefore, (await sim.StatsAsync()).GetProperty("total_requests").GetInt64());
        Assert.Equal(0L, await store.ScalarAsync<long>($"SELECT count(*) FROM daily_bars WHERE symbol = '{Coins[0]}' AND trade_date = '2026-10-17'"));
    }
}
