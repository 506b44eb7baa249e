using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StockData.Diagnostics;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.Pipeline.Maintenance;
using StockData.Storage;
using StockData.Storage.Postgres.Partitions;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Maintenance;

/// <summary>
/// Partition maintenance against a real store: rows landing in a DEFAULT partition raise the alarm (metric and log
/// warning) and move into a new month partition with nothing lost; retention drops only whole expired month partitions,
/// keeps every row of a partition reaching into the window, and leaves bar_counts equal to count(*).
/// </summary>
public sealed class PartitionMaintenanceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Counts = """
        SELECT COALESCE(string_agg(symbol || '/' || interval || '=' || rows, ',' ORDER BY symbol, interval), '') FROM bar_counts WHERE rows > 0
        """;

    private const string CountStar = """
        SELECT COALESCE(string_agg(symbol || '/' || interval || '=' || n, ',' ORDER BY symbol, interval), '')
        FROM (SELECT symbol, interval, count(*) AS n FROM intraday_bars GROUP BY 1, 2) c
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RowsInTheDefaultPartition_RaiseTheAlarm_AndMoveIntoANewMonthPartition()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        // March 2023 has no partition (the migration creates this month and the next two; nothing behind).
        await scope.ExecuteAsync("""
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close)
            SELECT 'OLD', '2m', t, (t AT TIME ZONE 'UTC')::date, 1, 2, 0.5, 1.5
            FROM generate_series('2023-03-10 14:30+00'::timestamptz, '2023-03-10 16:28+00', '2 minutes') t
            """);
        Assert.Equal(60L, await scope.CountAsync("SELECT count(*) FROM intraday_bars_2m_default"));
        var checksum = await scope.ScalarAsync<string>("SELECT md5(string_agg(b::text, ',' ORDER BY ts)) FROM intraday_bars b WHERE symbol = 'OLD'");
        var metricBefore = PipelineMetrics.IntradayDefaultRows.WithLabels("2m").Value;
        var logs = new ListLoggerProvider();
        var maintenance = Maintenance(scope, new DateTimeOffset(2023, 3, 20, 0, 0, 0, TimeSpan.Zero), new RetentionOptions { PartitionMonthsBehind = 0 }, logs);

        var ensured = await maintenance.EnsureAsync(new DateTimeOffset(2023, 3, 20, 0, 0, 0, TimeSpan.Zero), Ct);

        Assert.Equal(new DefaultPartitionRows("2m", new DateOnly(2023, 3, 1), 60), Assert.Single(ensured.Defaults));
        Assert.Contains(ensured.Created, c => c == new CreatedPartition("2m", new DateOnly(2023, 3, 1), 60));
        Assert.True(PipelineMetrics.IntradayDefaultRows.WithLabels("2m").Value - metricBefore >= 60);
        Assert.Contains(logs.Logger.Entries, e => e.Id.Id == 3600 && e.Level == LogLevel.Warning && e.Message.Contains("2023-03", StringComparison.Ordinal));
        Assert.Equal(0L, await scope.CountAsync("SELECT count(*) FROM intraday_bars_2m_default"));
        Assert.Equal(60L, await scope.CountAsync("SELECT count(*) FROM intraday_bars_2m_2023_03"));
        Assert.Equal(checksum, await scope.ScalarAsync<string>("SELECT md5(string_agg(b::text, ',' ORDER BY ts)) FROM intraday_bars b WHERE symbol = 'OLD'"));
        Assert.Equal(await scope.ScalarAsync<string>(CountStar), await scope.ScalarAsync<string>(Counts));
    }

    [Fact]
    public async Task Retention_DropsOnlyWholeExpiredPartitions_AndKeepsTheCountersRight()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var now = new DateTimeOffset(2024, 12, 6, 0, 0, 0, TimeSpan.Zero);
        // 1m bars (kept 40 days: cut-off 2024-10-27) and 5m bars (kept forever), mid-August to December, two symbols.
        await scope.ExecuteAsync("""
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close)
            SELECT s, iv, t, (t AT TIME ZONE 'UTC')::date, 1, 2, 0.5, 1.5
            FROM unnest(ARRAY['AAA', 'BBB']) s, unnest(ARRAY['1m', '5m']) iv,
                 generate_series('2024-08-15 14:30+00'::timestamptz, '2024-12-05 20:00+00', '3 hours') t
            """);
        var options = new RetentionOptions { Intervals = { ["1m"] = "40d" }, PartitionMonthsBehind = 4 };
        var maintenance = Maintenance(scope, now, options, new ListLoggerProvider());
        await maintenance.EnsureAsync(now, Ct);
        var october = await scope.CountAsync("SELECT count(*) FROM intraday_bars_1m_2024_10");
        var fiveMinute = await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '5m'");
        var expiredRows = await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '1m' AND ts < '2024-10-01'");
        Assert.True(october > 0 && expiredRows > 0);

        var dry = await maintenance.RunAsync(dryRun: true, Ct);
        Assert.Equal(["intraday_bars_1m_2024_08", "intraday_bars_1m_2024_09"], dry.Expired.Select(p => p.Name));
        Assert.Empty(dry.Dropped);
        Assert.Equal(expiredRows, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '1m' AND ts < '2024-10-01'"));

        var droppedBefore = PipelineMetrics.IntradayRowsDropped.WithLabels("1m").Value;
        var run = await maintenance.RunAsync(dryRun: false, Ct);

        Assert.Equal(["intraday_bars_1m_2024_08", "intraday_bars_1m_2024_09"], run.Dropped.Select(d => d.Partition.Name));
        Assert.Equal(expiredRows, run.Dropped.Sum(d => d.Rows));
        Assert.True(PipelineMetrics.IntradayRowsDropped.WithLabels("1m").Value - droppedBefore >= expiredRows);
        Assert.Equal(0L, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '1m' AND ts < '2024-10-01'"));
        // October reaches into the window (it ends 11-01, after the cut-off): all of it stays, rows before 10-27 included.
        Assert.Equal(october, await scope.CountAsync("SELECT count(*) FROM intraday_bars_1m_2024_10"));
        Assert.True(await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '1m' AND ts < '2024-10-27'") > 0);
        Assert.Equal(fiveMinute, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '5m'"));
        Assert.Equal(0L, await scope.CountAsync("SELECT count(*) FROM intraday_partitions WHERE interval = '1m' AND range_to <= '2024-10-01'"));
        Assert.Equal(await scope.ScalarAsync<string>(CountStar), await scope.ScalarAsync<string>(Counts));

        // A second run finds nothing left to drop, and does not re-create the expired months.
        var second = await maintenance.RunAsync(dryRun: false, Ct);
        Assert.Empty(second.Expired);
    }

    private static PartitionMaintenance Maintenance(WriterScope scope, DateTimeOffset now, RetentionOptions options, ListLoggerProvider logs)
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        return new PartitionMaintenance(
            scope.Services.GetRequiredService<IntradayPartitions>(), Options.Create(options), new FakeTimeProvider(now),
            factory.CreateLogger<PartitionMaintenance>());
    }
}
