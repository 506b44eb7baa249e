using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Universe;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres.Universe;

/// <summary>The universe: add schedules (due at once), remove unschedules and keeps the watermark, list streams rows.</summary>
public sealed class SymbolUniverseTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAsync_NewKnownAndScheduled_CountedApart()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var universe = scope.Services.GetRequiredService<SymbolUniverse>();
        // KNOWN was written by a replay (the writer creates the row unscheduled).
        await scope.ExecuteAsync(
            "INSERT INTO symbols (symbol) VALUES ('KNOWN'); INSERT INTO symbol_intervals (symbol, interval, watermark) VALUES ('KNOWN', '1d', '2026-01-01')");
        await universe.AddAsync([("OLD", "1d")], T0.AddDays(-1), Ct);

        var result = await universe.AddAsync([("NEW", "1d"), ("NEW", "1h"), ("KNOWN", "1d"), ("OLD", "1d")], T0, Ct);

        Assert.Equal(new UniverseAddResult(2, 1, 1), result);
        Assert.Equal(T0.AddDays(-1).UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT next_fetch_at FROM symbol_intervals WHERE symbol = 'OLD'"));
        Assert.Equal(T0.UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT next_fetch_at FROM symbol_intervals WHERE symbol = 'KNOWN'"));
        Assert.Equal(3L, await scope.CountAsync("SELECT count(*) FROM symbols"));
    }

    [Fact]
    public async Task RemoveAsync_UnschedulesKeepsWatermark_AddBackResumes()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var universe = scope.Services.GetRequiredService<SymbolUniverse>();
        await universe.AddAsync([("AAA", "1d"), ("AAA", "1h"), ("BBB", "1d")], T0, Ct);
        await scope.ExecuteAsync("UPDATE symbol_intervals SET watermark = '2026-11-27' WHERE symbol = 'AAA'");

        var removedHourly = await universe.RemoveAsync(["AAA"], "1h", Ct);
        var removed = await universe.RemoveAsync(["AAA", "NOPE"], null, Ct);
        var listed = await universe.ListAsync(null, false, Ct).ToListAsync(Ct);
        var all = await universe.ListAsync(null, true, Ct).ToListAsync(Ct);
        var again = await universe.AddAsync([("AAA", "1d")], T0, Ct);

        Assert.Equal([("AAA", "1h")], removedHourly);
        Assert.Equal([("AAA", "1d")], removed);
        Assert.Equal(["BBB"], listed.Select(e => e.Symbol));
        Assert.Equal(3, all.Count);
        Assert.Equal(new UniverseAddResult(0, 1, 0), again);
        Assert.Equal(new DateTime(2026, 11, 27), await scope.ScalarAsync<DateTime>("SELECT watermark FROM symbol_intervals WHERE symbol = 'AAA' AND interval = '1d'"));
    }

    [Fact]
    public async Task ListAsync_ByStatus()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var universe = scope.Services.GetRequiredService<SymbolUniverse>();
        await universe.AddAsync([("AAA", "1d"), ("ZZZ", "1d")], T0, Ct);
        await scope.ExecuteAsync("UPDATE symbols SET status = 'not_found', last_error = 'not_found: 404' WHERE symbol = 'ZZZ'");

        var notFound = await universe.ListAsync("not_found", false, Ct).ToListAsync(Ct);

        var entry = Assert.Single(notFound);
        Assert.Equal(("ZZZ", "1d", "not_found", "not_found: 404"), (entry.Symbol, entry.Interval, entry.Status, entry.LastError));
        Assert.Equal(T0, entry.NextFetchAt);
    }
}
