using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Catalog;
using StockData.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres.Catalog;

/// <summary>
/// The coverage listing over what the product's writer stored: the trigger-kept row counts agree with count(*) after
/// inserts, revisions, deletes and a truncate; first and last dates come from the bars; keyset pages walk every row
/// once, in order; the filters select.
/// </summary>
public sealed class CoverageReaderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_FollowInsertsRevisionsDeletesAndTruncate_AsCountStar()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var reader = scope.Services.GetRequiredService<CoverageReader>();
        var aaa = Daily(5);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", aaa), Fetch("BBB", Daily(3, basePrice: 40)),
            Fetch("AAA", Intraday(4, SessionOpen(Start)), interval: "5m")), Ct);
        // A revision of two stored bars (no new rows) and two new days in one fetch, then a deleted day.
        var revised = aaa.Select((b, i) => i < 2 ? b with { Close = b.Close + 1 } : b).Concat(Daily(2, Start.AddDays(5))).ToArray();
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", revised)), Ct);
        await scope.ExecuteAsync("DELETE FROM daily_bars WHERE symbol = 'AAA' AND trade_date = '2024-01-03'");

        var afterWrites = await ReadAllAsync(reader, new CoverageQuery(null, null, null, null, null, 100));
        Assert.Equal(await CountsAsync(scope), afterWrites.ToDictionary(r => (r.Symbol, r.Interval), r => r.Rows));
        Assert.Equal(new Dictionary<(string, string), long> { [("AAA", "1d")] = 6, [("AAA", "5m")] = 4, [("BBB", "1d")] = 3 },
            afterWrites.ToDictionary(r => (r.Symbol, r.Interval), r => r.Rows));
        var daily = afterWrites.Single(r => r is { Symbol: "AAA", Interval: "1d" });
        Assert.Equal((Start, Start.AddDays(6)), (daily.FirstDate!.Value, daily.LastDate!.Value));
        var intraday = afterWrites.Single(r => r is { Symbol: "AAA", Interval: "5m" });
        Assert.Equal((Start, Start), (intraday.FirstDate!.Value, intraday.LastDate!.Value));
        Assert.Equal("active", daily.Status);

        await scope.ExecuteAsync("TRUNCATE intraday_bars");
        var afterTruncate = await ReadAllAsync(reader, new CoverageQuery(null, "5m", null, null, null, 100));
        Assert.Equal((0L, (DateOnly?)null), (afterTruncate.Single().Rows, afterTruncate.Single().LastDate));
        Assert.Equal(6L, (await ReadAllAsync(reader, new CoverageQuery("AAA", "1d", null, null, null, 100))).Single().Rows);
    }

    [Fact]
    public async Task Pages_WalkEveryRowOnceInKeyOrder_AndFiltersSelect()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var reader = scope.Services.GetRequiredService<CoverageReader>();
        var symbols = Enumerable.Range(0, 7).Select(i => $"S{i}").ToArray();
        await scope.Writer.WriteAsync(Batch([.. symbols.Select(s => Fetch(s, Daily(2))), Fetch("S3", Daily(2), interval: "1wk")]), Ct);
        await scope.ExecuteAsync("""
            UPDATE symbol_intervals SET next_fetch_at = now() WHERE symbol IN ('S1', 'S2');
            UPDATE symbols SET status = 'failing' WHERE symbol = 'S5';
            """);

        var pages = new List<IReadOnlyList<CoverageRow>>();
        CatalogKey? after = null;
        do
        {
            var page = await reader.ReadAsync(new CoverageQuery(null, null, null, null, after, 3), Ct);
            pages.Add(page);
            after = page.Count == 0 ? null : new CatalogKey(page[^1].Symbol, page[^1].Interval);
        }
        while (pages[^1].Count == 3);

        var walked = pages.SelectMany(p => p).Select(r => (r.Symbol, r.Interval)).ToList();
        var expected = symbols.Select(s => (s, "1d")).Append(("S3", "1wk")).OrderBy(k => k.Item1, StringComparer.Ordinal)
            .ThenBy(k => k.Item2, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, walked);
        Assert.Equal([3, 3, 2], pages.Select(p => p.Count));
        Assert.Equal(["S3"], (await reader.ReadAsync(new CoverageQuery(null, "1wk", null, null, null, 10), Ct)).Select(r => r.Symbol));
        Assert.Equal(["S5"], (await reader.ReadAsync(new CoverageQuery(null, null, "failing", null, null, 10), Ct)).Select(r => r.Symbol));
        var scheduled = await reader.ReadAsync(new CoverageQuery(null, null, null, true, null, 10), Ct);
        Assert.Equal(["S1", "S2"], scheduled.Select(r => r.Symbol));
        Assert.All(scheduled, r => Assert.NotNull(r.NextFetchAt));
        Assert.Equal(6, (await reader.ReadAsync(new CoverageQuery(null, null, null, false, null, 10), Ct)).Count);
    }

    [Fact]
    public async Task Rows_StayEqualToCountStar_WhenWritersRaceOnTheSameSymbols()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var writers = Enumerable.Range(0, 4).Select(_ => scope.Sibling()).ToList();
        try
        {
            // Four writers, each writing overlapping ranges of the same five symbols in several batches: keys that
            // two of them insert at once are inserted by one and merged by the other, and only the insert counts.
            var symbols = Enumerable.Range(0, 5).Select(i => $"R{i}").ToArray();
            await Task.WhenAll(writers.Select((w, n) => Task.Run(async () =>
            {
                for (var round = 0; round < 4; round++)
                {
                    var from = Start.AddDays(((n + round) % 4) * 20);
                    await w.Writer.WriteAsync(Batch([.. symbols.Select(s => Fetch(s, Daily(40, from, basePrice: 10 + n)))]), Ct);
                }
            }, Ct)));
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }
        }

        var reader = scope.Services.GetRequiredService<CoverageReader>();
        var rows = await ReadAllAsync(reader, new CoverageQuery(null, null, null, null, null, 100));
        var counts = await CountsAsync(scope);
        Assert.Equal(5, counts.Count);
        Assert.All(counts.Values, n => Assert.Equal(100L, n));
        Assert.Equal(counts, rows.ToDictionary(r => (r.Symbol, r.Interval), r => r.Rows));
    }

    private static async Task<List<CoverageRow>> ReadAllAsync(CoverageReader reader, CoverageQuery query) =>
        [.. await reader.ReadAsync(query, Ct)];

    /// <summary>count(*) per symbol and interval over both bar tables: the reference for the counters.</summary>
    private static async Task<Dictionary<(string, string), long>> CountsAsync(WriterScope scope)
    {
        await using var connection = await scope.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT symbol, interval, count(*) FROM daily_bars GROUP BY 1, 2
            UNION ALL SELECT symbol, interval, count(*) FROM intraday_bars GROUP BY 1, 2
            """, connection);
        var counts = new Dictionary<(string, string), long>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return counts;
    }
}
