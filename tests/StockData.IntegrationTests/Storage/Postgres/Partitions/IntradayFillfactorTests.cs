using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Partitions;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres.Partitions;

/// <summary>
/// Migration 0012: every leaf partition of intraday_bars keeps room on its pages (the fillfactor of
/// <c>intraday_leaf_fillfactor()</c>), those that existed before the migration and those created after it, so the
/// writer's update of a changed bar stays on the bar's page (a HOT update, no new primary-key entry).
/// </summary>
public sealed class IntradayFillfactorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Leaves = "SELECT count(*) FROM pg_partition_tree('intraday_bars') p WHERE p.isleaf";

    // pg_class.reloptions holds a storage parameter as text ("fillfactor=50") once it is set.
    private const string LeavesWithoutTheFillfactor = """
        SELECT count(*) FROM pg_partition_tree('intraday_bars') p JOIN pg_class c ON c.oid = p.relid
        WHERE p.isleaf AND NOT COALESCE(c.reloptions, '{}') @> ARRAY['fillfactor=' || intraday_leaf_fillfactor()]
        """;

    // The page (block number of the row id) each row of symbol HOT is on, by minute.
    private const string PageOfEachRow = """
        SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'HH24:MI') || '@' || (ctid::text::point)[0], ',' ORDER BY ts)
        FROM intraday_bars WHERE symbol = 'HOT'
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_ExistingLeavesGetTheFillfactor_AndPartitionsCreatedLaterStartWithIt()
    {
        postgres.EnsureAvailable();
        var schema = "ff_" + Guid.NewGuid().ToString("N")[..12];
        await MigratedThrough.CreateAsync(postgres, schema, lastVersion: 11);
        // 0011 created packed leaves: this month and the next two per interval, and the DEFAULT partitions.
        var packed = await postgres.ScalarAsync<long>($"""
            SELECT count(*) FROM pg_partition_tree('"{schema}".intraday_bars') p JOIN pg_class c ON c.oid = p.relid
            WHERE p.isleaf AND c.reloptions IS NULL
            """);
        Assert.True(packed >= 8 * 4, $"{packed} leaves");

        // The scope's migrator applies what is missing: 0012 alone.
        await using var scope = await WriterScope.CreateAsync(postgres, schema: schema);
        Assert.Equal(packed, await scope.CountAsync(Leaves));
        var fillfactor = await scope.ScalarAsync<int>("SELECT intraday_leaf_fillfactor()");
        Assert.InRange(fillfactor, 10, 99);
        Assert.Equal(0L, await scope.CountAsync(LeavesWithoutTheFillfactor));

        // A month far ahead: one 1m bar waits in the DEFAULT partition, then maintenance creates the month for every
        // interval, moving that row into its new partition (the other path through intraday_partition_ensure).
        await scope.ExecuteAsync("""
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close)
            VALUES ('FF', '1m', '2041-05-17 15:00+00', '2041-05-17', 1, 1, 1, 1)
            """);
        var result = await scope.Services.GetRequiredService<IntradayPartitions>()
            .EnsureAsync(new DateTimeOffset(2041, 5, 17, 12, 0, 0, TimeSpan.Zero), 0, 0, new Dictionary<string, TimeSpan>(), Ct);

        Assert.Equal(IntradayPartitions.Intervals.Count, result.Created.Count);
        Assert.Contains(result.Created, c => c.Interval == "1m" && c.MovedFromDefault == 1);
        Assert.Equal(0L, await scope.CountAsync(LeavesWithoutTheFillfactor));
        Assert.Equal(IntradayPartitions.Intervals.Count, (int)await scope.CountAsync(
            $"SELECT count(*) FROM pg_class WHERE relname LIKE 'intraday\\_bars\\_%\\_2041\\_05' AND reloptions @> ARRAY['fillfactor={fillfactor}']"));
        Assert.Equal("intraday_bars_1m_2041_05", await scope.ScalarAsync<string>("SELECT tableoid::regclass::text FROM intraday_bars WHERE symbol = 'FF'"));
    }

    [Fact]
    public async Task Writer_EveryBarOfADayChanged_EachRowIsRewrittenOnItsOwnPage()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Services.GetRequiredService<IntradayPartitions>()
            .EnsureAsync(new DateTimeOffset(2024, 11, 1, 0, 0, 0, TimeSpan.Zero), 0, 0, new Dictionary<string, TimeSpan>(), Ct);
        // A session of 1m bars: several pages of one month partition, every one filled to the fillfactor.
        var day = Intraday(390, new DateTimeOffset(2024, 11, 18, 14, 30, 0, TimeSpan.Zero), minutes: 1);
        await scope.Writer.WriteAsync(Batch(Fetch("HOT", day, interval: "1m")), Ct);
        var pages = await scope.CountAsync("SELECT count(DISTINCT (ctid::text::point)[0]) FROM intraday_bars WHERE symbol = 'HOT'");
        Assert.True(pages >= 4, $"{pages} pages");
        var before = await scope.ScalarAsync<string>(PageOfEachRow);

        // Every close changes (a split-like full revision of the session, the bench's changed pass in small).
        await scope.Writer.WriteAsync(Batch(Fetch("HOT", day.Select(b => b with { Close = b.Close + 0.5 }).ToArray(), interval: "1m")), Ct);

        Assert.Equal(390L, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE symbol = 'HOT' AND close = open + 1"));
        Assert.Equal(390L, await scope.CountAsync("SELECT count(*) FROM bar_revisions WHERE symbol = 'HOT'"));
        // Same page, and the key did not change: each update was HOT (no second primary-key entry). A packed partition has
        // no room left on its full pages, and the new versions would go to new pages.
        Assert.Equal(before, await scope.ScalarAsync<string>(PageOfEachRow));
    }
}
