using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Partitions;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres.Partitions;

/// <summary>
/// Migration 0011 on a store that already holds intraday bars: every row, with every value and write time, is in the
/// partitioned table afterwards (count and checksum), the trigger-kept counters still equal count(*) and keep following
/// writes, and the writer's compare-and-set by row id holds across partitions whose row ids coincide.
/// </summary>
public sealed class IntradayPartitionMigrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Checksum = """
        SELECT count(*)::text || ':' || md5(string_agg(
                   concat_ws('|', symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at),
                   ',' ORDER BY symbol, interval, ts))
        FROM intraday_bars
        """;

    private const string Counts = """
        SELECT string_agg(symbol || '/' || interval || '=' || rows, ',' ORDER BY symbol, interval) FROM bar_counts
        """;

    private const string CountStar = """
        SELECT string_agg(symbol || '/' || interval || '=' || n, ',' ORDER BY symbol, interval)
        FROM (SELECT symbol, interval, count(*) AS n FROM daily_bars GROUP BY 1, 2
              UNION ALL SELECT symbol, interval, count(*) FROM intraday_bars GROUP BY 1, 2) c
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_UnpartitionedTableWithRows_KeepsEveryRowAndTheCounters()
    {
        postgres.EnsureAvailable();
        var schema = "pm_" + Guid.NewGuid().ToString("N")[..12];
        await MigratedThrough.CreateAsync(postgres, schema, lastVersion: 10);

        // Several months (two years apart, so month partitions appear on both sides of the migration's "now"), symbols and
        // intervals, NULL and non-NULL optional columns, and write times that differ per row (an UPDATE after the insert).
        await ExecuteAsync(schema, """
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume)
            SELECT 'S' || s, iv, t, (t AT TIME ZONE 'UTC')::date, 10 + s + h, 11 + s + h, 9 + s + h, 10.5 + s + h,
                   CASE WHEN h % 7 = 0 THEN NULL ELSE 10.25 + s + h END, CASE WHEN h % 5 = 0 THEN NULL ELSE (s * 1000 + h)::bigint END
            FROM generate_series(1, 4) s,
                 unnest(ARRAY['1m', '5m', '1h', '90m']) iv,
                 LATERAL (SELECT t, extract(epoch FROM t)::bigint % 997 AS h
                          FROM generate_series('2024-10-20 13:30+00'::timestamptz, '2025-02-10 20:00+00', CASE iv WHEN '1m' THEN interval '97 minutes' ELSE interval '5 hours' END) t) g;
            UPDATE intraday_bars SET close = close + 0.125, updated_at = updated_at - interval '3 days' WHERE symbol = 'S2' AND interval = '5m';
            INSERT INTO daily_bars (symbol, interval, trade_date, ts, open, high, low, close)
            SELECT 'S1', '1d', d::date, d, 1, 2, 0.5, 1.5 FROM generate_series('2024-11-01'::timestamptz, '2024-12-31', '1 day') d;
            """);
        var before = await ScalarAsync(schema, Checksum);
        var countsBefore = await ScalarAsync(schema, Counts);
        Assert.Equal(await ScalarAsync(schema, CountStar), countsBefore);
        Assert.True(long.Parse(before.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture) > 10_000, before);

        await using var services = StorageHost.Create(postgres, new Dictionary<string, string?> { ["StockData:Storage:Schema"] = schema });
        var applied = await services.GetRequiredService<SchemaMigrator>().MigrateAsync(Ct);

        Assert.Equal(["0011_intraday_partitions", "0012_intraday_fillfactor", "0013_bar_counts_by_writer"], applied);
        Assert.Equal("p", await ScalarAsync(schema, $"SELECT relkind::text FROM pg_class WHERE oid = '\"{schema}\".intraday_bars'::regclass"));
        Assert.Equal(before, await ScalarAsync(schema, Checksum));
        Assert.Equal(countsBefore, await ScalarAsync(schema, Counts));
        // Every row sits in its interval's month partition; the DEFAULT partitions are empty.
        Assert.Equal("0", await ScalarAsync(schema, """
            SELECT count(*)::text FROM intraday_bars b
            WHERE b.tableoid::regclass::text NOT LIKE '%intraday_bars_' || b.interval || '_' || to_char(b.ts AT TIME ZONE 'UTC', 'YYYY_MM')
            """));
        Assert.Equal("1h,1m,5m,90m", await ScalarAsync(schema, "SELECT string_agg(DISTINCT interval, ',') FROM intraday_partitions WHERE range_from < '2025-03-01'"));

        // The counters keep following inserts, deletes and truncation through the partitioned table.
        await ExecuteAsync(schema, """
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close)
            VALUES ('S9', '1m', '2024-11-05 15:00+00', '2024-11-05', 1, 1, 1, 1), ('S9', '1m', '2025-01-05 15:00+00', '2025-01-05', 1, 1, 1, 1);
            DELETE FROM intraday_bars WHERE symbol = 'S1' AND interval = '1h' AND ts < '2024-12-01';
            """);
        Assert.Equal(await ScalarAsync(schema, CountStar), await ScalarAsync(schema, Counts));
        await ExecuteAsync(schema, "TRUNCATE intraday_bars");
        Assert.Equal("S1/1d=61", await ScalarAsync(schema, "SELECT string_agg(symbol || '/' || interval || '=' || rows, ',') FROM bar_counts WHERE rows > 0"));
    }

    [Fact]
    public async Task Writer_ChangedBarsInOnePartition_LeavesTheRowsWithTheSameRowIdInAnotherAlone()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Services.GetRequiredService<IntradayPartitions>()
            .EnsureAsync(new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero), 1, 1, new Dictionary<string, TimeSpan>(), Ct);
        // One fetch writes the last bars of November and the first of December: two month partitions whose rows have the
        // same row ids ((0,1), (0,2), …) and the same xmin (one transaction wrote both).
        var november = Intraday(4, new DateTimeOffset(2024, 11, 30, 23, 50, 0, TimeSpan.Zero));
        await scope.Writer.WriteAsync(Batch(Fetch("XYZ", november, interval: "5m")), Ct);
        Assert.Equal(1L, await scope.CountAsync("""
            SELECT count(DISTINCT xmin::text) FROM intraday_bars WHERE symbol = 'XYZ'
            """));
        Assert.Equal(2L, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE symbol = 'XYZ' AND ctid = '(0,1)'"));
        var before = await scope.ScalarAsync<string>(
            "SELECT string_agg(ts::text || '=' || close, ',' ORDER BY ts) FROM intraday_bars WHERE symbol = 'XYZ' AND ts < '2024-12-01'");

        // Only the December bars change.
        var changed = november.Select(b => b.Timestamp.Month == 12 ? b with { Close = b.Close + 100 } : b).ToArray();
        await scope.Writer.WriteAsync(Batch(Fetch("XYZ", changed, interval: "5m")), Ct);

        Assert.Equal(before, await scope.ScalarAsync<string>(
            "SELECT string_agg(ts::text || '=' || close, ',' ORDER BY ts) FROM intraday_bars WHERE symbol = 'XYZ' AND ts < '2024-12-01'"));
        Assert.Equal(2L, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE symbol = 'XYZ' AND ts >= '2024-12-01' AND close > 100"));
        Assert.Equal(2L, await scope.CountAsync("SELECT count(*) FROM bar_revisions WHERE symbol = 'XYZ'"));
        Assert.Equal(4L, await scope.CountAsync("SELECT rows FROM bar_counts WHERE symbol = 'XYZ' AND interval = '5m'"));
    }

    private async Task ExecuteAsync(string schema, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{schema}\"; {sql}", connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<string> ScalarAsync(string schema, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using (var path = new NpgsqlCommand($"SET search_path TO \"{schema}\"", connection))
        {
            await path.ExecuteNonQueryAsync(Ct);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }
}
