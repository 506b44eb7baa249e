using StockData.Storage.Postgres.Quality;
using StockData.Storage.Quality;

namespace StockData.UnitTests.Quality;

public sealed class RepairPlannerTests
{
    private static readonly DateOnly Day = new(2026, 10, 5);

    [Fact]
    public void Plan_DailyGapsOfOneSymbol_OneFetchSpanningThemAll_WithTheHighestAttempts()
    {
        var ranges = RepairPlanner.Plan([Need("AAA", 0), Need("AAA", 6, attempts: 2), Need("AAA", 400), Need("BBB", 3)]);

        Assert.Equal(
            [
                new RepairRange("AAA", "1d", "America/New_York", Day, Day.AddDays(400), 2, 0),
                new RepairRange("BBB", "1d", "America/New_York", Day.AddDays(3), Day.AddDays(3), 0, 0),
            ],
            ranges);
    }

    [Fact]
    public void Plan_IntradayAbove1m_OneFetch_1m_MergedOnlyWhereItSavesRequests()
    {
        var fiveMinute = RepairPlanner.Plan([Need("AAA", 0, interval: "5m"), Need("AAA", 40, interval: "5m")]);
        // 1m: 7 days per request. Days 0 and 3 share one request; day 20 alone is one request either way, but merged
        // with [0, 3] the range would span 21 days = 3 requests against 2 apart.
        var oneMinute = RepairPlanner.Plan([Need("AAA", 0, interval: "1m"), Need("AAA", 3, interval: "1m"), Need("AAA", 20, interval: "1m")]);

        Assert.Equal([new RepairRange("AAA", "5m", "America/New_York", Day, Day.AddDays(40), 0, 0)], fiveMinute);
        Assert.Equal(
            [
                new RepairRange("AAA", "1m", "America/New_York", Day, Day.AddDays(3), 0, 0),
                new RepairRange("AAA", "1m", "America/New_York", Day.AddDays(20), Day.AddDays(20), 0, 1),
            ],
            oneMinute);
        Assert.Equal(2, oneMinute.Sum(r => RepairPlanner.Cost(r.From, r.To, RepairPlanner.OneMinuteRequestDays)));
    }

    [Fact]
    public void FetchRange_ExchangeLocalMidnights_EndMovedByTheAttempts()
    {
        var range = new RepairRange("AAA", "1d", "America/New_York", Day, Day.AddDays(2), 2, 0);

        var (from, to) = QualityScanner.FetchRange(range);

        Assert.Equal(new DateTimeOffset(2026, 10, 5, 4, 0, 0, TimeSpan.Zero), from);
        // The day after the last date, 00:00 New York (EDT), plus one second per earlier attempt: a new cache key.
        Assert.Equal(new DateTimeOffset(2026, 10, 8, 4, 0, 2, TimeSpan.Zero), to);
    }

    [Fact]
    public void FetchRange_WeeklyBar_CoversItsWholeWeek()
    {
        var (from, to) = QualityScanner.FetchRange(new RepairRange("AAA", "1wk", "UTC", Day, Day, 0, 0));

        Assert.Equal(TimeSpan.FromDays(7), to - from);
    }

    private static RepairPlanner.Need Need(string symbol, int day, int attempts = 0, string interval = "1d") =>
        new(symbol, interval, "America/New_York", Day.AddDays(day), Day.AddDays(day), attempts);
}
