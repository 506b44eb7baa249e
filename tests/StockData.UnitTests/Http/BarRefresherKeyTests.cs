using StockData.Core;
using StockData.Ingest;
using StockData.Pipeline.Http;
using StockData.Yahoo.Client;

namespace StockData.UnitTests.Http;

/// <summary>The refresh single-flight key: symbol|interval|period1 (aligned down)|period2 ("open" when it reaches now)|events.</summary>
public sealed class BarRefresherKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 21, 0, 0, TimeSpan.Zero);

    private static FetchPlan Plan(string symbol, string interval, DateTimeOffset from, DateTimeOffset to) =>
        new(new SymbolRequest(symbol, BarInterval.Parse(interval)), 1, false,
            [YahooChartRequest.ForPeriod(symbol, BarInterval.Parse(interval), from, to)]);

    [Fact]
    public void Key_SameDayStartAndAnOpenEnd_SameKey()
    {
        var a = BarRefresher.Key(Plan("AAPL", "1d", Now.AddDays(-8).AddHours(-3), Now.AddSeconds(-2)), Now, "div|split");
        var b = BarRefresher.Key(Plan("AAPL", "1d", Now.AddDays(-8).AddHours(-1), Now), Now, "div|split");

        Assert.Equal(a, b);
        var day = Now.AddDays(-8).AddHours(-3);
        var aligned = new DateTimeOffset(day.Year, day.Month, day.Day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal($"AAPL|1d|{aligned}|open|div|split", a);
    }

    [Fact]
    public void Key_ClosedRange_KeepsItsEnd()
    {
        var end = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var key = BarRefresher.Key(Plan("MSFT", "1d", end.AddDays(-30), end), Now, "div");

        Assert.EndsWith($"|{end.ToUnixTimeSeconds()}|div", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_OtherSymbolIntervalOrEvents_Differs()
    {
        var from = Now.AddDays(-3);
        var key = BarRefresher.Key(Plan("AAPL", "1d", from, Now), Now, "div");

        Assert.NotEqual(key, BarRefresher.Key(Plan("MSFT", "1d", from, Now), Now, "div"));
        Assert.NotEqual(key, BarRefresher.Key(Plan("AAPL", "1h", from, Now), Now, "div"));
        Assert.NotEqual(key, BarRefresher.Key(Plan("AAPL", "1d", from, Now), Now, "div|split"));
        Assert.NotEqual(key, BarRefresher.Key(Plan("AAPL", "1d", from.AddDays(-1), Now), Now, "div"));
    }
}
