using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Quality;

/// <summary>
/// Dates Yahoo answers with an all-null row (the simulator's <c>--null-rows</c>): remembered without a bar, confirmed
/// missing after one re-check with the reason "upstream sends no data", and cleared when real values arrive later.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class QualityNullRowTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Repair_NullRowDates_OneRecheckPerSymbol_ConfirmedAsUpstreamSendsNoData_ClearedByRealValues()
    {
        postgres.EnsureAvailable();
        await using var nulls = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0.02");
        await using var clean = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0");
        var file = ReplayHarness.WriteSymbolFile(QualityHarness.UsSymbols(20));
        var store = new QualityHarness(postgres);
        var replay = await store.ReplayAsync(nulls, file, "--from", "2025-06-01");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        var marks = await store.ScalarAsync<long>("SELECT count(*) FROM quality_null_rows");
        Assert.True(marks > 0, "the replay remembered no null-row date");
        // A mark is a date without a bar.
        Assert.Equal(0L, await store.ScalarAsync<long>(
            "SELECT count(*) FROM quality_null_rows n JOIN daily_bars b ON b.symbol = n.symbol AND b.interval = n.interval AND b.trade_date = n.trade_date"));

        var before = await QualityHarness.RequestsPerSymbolAsync(nulls);
        var first = await store.CliAsync(nulls, null, "quality", "repair");
        var afterFirst = await QualityHarness.RequestsPerSymbolAsync(nulls);
        var second = await store.CliAsync(nulls, null, "quality", "repair");
        var afterSecond = await QualityHarness.RequestsPerSymbolAsync(nulls);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        // Every gap is a null-row date, confirmed after its one re-check (MaxAttempts is 3), with that reason.
        var gaps = await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps");
        Assert.True(gaps > 0, "no null-row date became a gap");
        Assert.Equal(gaps, await store.ScalarAsync<long>($"""
            SELECT count(*) FROM quality_gaps g
            WHERE g.kind = 'bar' AND g.status = 'confirmed_missing' AND g.attempts = 1 AND g.reason = 'upstream sends no data'
              AND EXISTS (SELECT 1 FROM quality_null_rows n WHERE n.symbol = g.symbol AND n.interval = g.interval AND n.trade_date = g.date_to)
            """));
        var gapped = (await store.ScalarAsync<string[]>("SELECT array_agg(DISTINCT symbol) FROM quality_gaps")).ToHashSet();
        foreach (var (symbol, count) in afterFirst)
        {
            // One re-check per symbol, whatever its number of null-row dates; none for a symbol without one.
            Assert.True(count - before.GetValueOrDefault(symbol) == (gapped.Contains(symbol) ? 1 : 0), $"{symbol}: {count - before.GetValueOrDefault(symbol)}");
        }

        Assert.Equal(afterFirst, afterSecond);
        var totals = (await store.ReportAsync(nulls)).GetProperty("totals");
        Assert.Equal(gaps, totals.GetProperty("confirmed_missing").GetInt32());
        Assert.Equal(gaps, totals.GetProperty("confirmed_no_data").GetInt32());
        Assert.Equal(0, totals.GetProperty("open").GetInt32());
        Assert.Equal((long)gapped.Count, await store.ScalarAsync<long>("SELECT coalesce(sum(requests), 0)::bigint FROM upstream_requests WHERE purpose = 'repair'"));

        // Later the upstream sends real values for those dates: stored, the marks cleared, the gaps repaired.
        var again = await store.ReplayAsync(clean, file, "--from", "2025-06-01");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(0L, await store.ScalarAsync<long>("SELECT count(*) FROM quality_null_rows"));
        var settle = await store.CliAsync(clean, null, "quality", "repair");
        Assert.True(settle.ExitCode == 0, settle.ToString());
        Assert.Equal(gaps, await store.ScalarAsync<long>("SELECT count(*) FROM quality_gaps WHERE status = 'repaired' AND reason IS NULL"));
    }
}
