using NpgsqlTypes;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.UnitTests.Storage.Postgres;

/// <summary>The intraday merge's month partitions: one per (interval, UTC month) of the changed rows, new rows aside.</summary>
public sealed class PostgresBarWriterChangedMonthsTests
{
    [Fact]
    public void ChangedMonths_OnePerIntervalAndUtcMonthOfTheChangedRows_InOrder()
    {
        StagedBar[] staged =
        [
            Changed("AAA", "5m", new DateTime(2024, 12, 2, 15, 0, 0, DateTimeKind.Utc)),
            Changed("AAA", "1m", new DateTime(2024, 11, 29, 20, 59, 0, DateTimeKind.Utc)),
            Changed("AAA", "1m", new DateTime(2024, 12, 2, 14, 30, 0, DateTimeKind.Utc)),
            Changed("BBB", "1m", new DateTime(2024, 11, 18, 14, 30, 0, DateTimeKind.Utc)),
            New("BBB", "1m", new DateTime(2025, 1, 2, 14, 30, 0, DateTimeKind.Utc)),
        ];

        var months = PostgresBarWriter.ChangedMonths(staged);

        Assert.Equal(
        [
            ("1m", new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc)),
            ("1m", new DateTime(2024, 12, 1, 0, 0, 0, DateTimeKind.Utc)),
            ("5m", new DateTime(2024, 12, 1, 0, 0, 0, DateTimeKind.Utc)),
        ], months);
    }

    [Fact]
    public void ChangedMonths_OnlyNewRows_OneMonthNoRowIsIn()
    {
        StagedBar[] staged = [New("AAA", "1m", new DateTime(2024, 11, 18, 14, 30, 0, DateTimeKind.Utc))];

        var month = Assert.Single(PostgresBarWriter.ChangedMonths(staged));

        Assert.True(month.Month.AddMonths(1) <= staged[0].Bar.Timestamp.UtcDateTime || month.Month > staged[0].Bar.Timestamp.UtcDateTime);
    }

    private static StagedBar New(string symbol, string interval, DateTime ts) => new(symbol, interval, Bar(ts), null);

    private static StagedBar Changed(string symbol, string interval, DateTime ts) =>
        new(symbol, interval, Bar(ts), new StoredBar(new NpgsqlTid(1, 1), 7, DateOnly.FromDateTime(ts), ts, 1, 2, 0.5, 1.5, null, 100));

    private static Bar Bar(DateTime ts) => new(new DateTimeOffset(ts), DateOnly.FromDateTime(ts), 1, 2, 0.5, 1.6, null, 100);
}
