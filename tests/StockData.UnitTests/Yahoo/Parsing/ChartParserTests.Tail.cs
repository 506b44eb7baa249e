using StockData.Core;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>The trailing rows: the daily live bar (R7), intraday live partials and period2 (R8).</summary>
public sealed partial class ChartParserTests
{
    [Fact]
    public void Parse_DailyLastTwoRowsSameLocalDate_LaterReplacesEarlier()
    {
        var open = ChartJson.Epoch("2025-10-29T13:30:00Z");
        var live = ChartJson.Epoch("2025-10-29T20:00:01Z");
        var json = new ChartJson().Bar(open - Day, 1).Bar(open, 2).Bar(live, 3);

        var result = json.Parse();

        Assert.Equal([1.0, 3], result.Bars.Select(b => b.Close));
        Assert.Equal(live, result.Bars[^1].Timestamp.ToUnixTimeSeconds());
        Assert.Equal(new DateOnly(2025, 10, 29), result.Bars[^1].TradeDate);
        Assert.Equal([new DroppedRow(1, open, DropReasons.SupersededSameDayLiveBar)], result.DroppedRows);
    }

    [Fact]
    public void Parse_DailyLiveRowOnNextUtcDateButSameLocalDate_Superseded()
    {
        // 01:00Z on the 12th is 21:00 on the 11th in New York: same exchange date although the UTC dates differ (R1, R7).
        var open = ChartJson.Epoch("2024-03-11T13:30:00Z");
        var live = ChartJson.Epoch("2024-03-12T01:00:00Z");

        var result = new ChartJson().Bar(open - Day, 1).Bar(open, 2).Bar(live, 3).Parse();

        Assert.Equal([1.0, 3], result.Bars.Select(b => b.Close));
        Assert.Equal(new DateOnly(2024, 3, 11), result.Bars[^1].TradeDate);
        Assert.Equal([new DroppedRow(1, open, DropReasons.SupersededSameDayLiveBar)], result.DroppedRows);
    }

    [Fact]
    public void Parse_DailyLastRowAloneOnItsDateAtOddTime_Kept()
    {
        var result = new ChartJson().Bar(T0, 1).Bar(T0 + Day + 20_000, 2).Parse();

        Assert.Equal(2, result.Bars.Count);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Parse_DailySameDateRowsNotAtTheEnd_NotTouchedByR7()
    {
        var result = new ChartJson().Bar(T0, 1).Bar(T0 + 3600, 2).Bar(T0 + Day, 3).Parse();

        Assert.Equal(3, result.Bars.Count);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Parse_DailyLiveBarAfterInvalidTail_ComparesTheLastTwoValidRows()
    {
        var live = T0 + 20_000;
        var json = new ChartJson().Bar(T0 - Day, 1).Bar(T0, 2).Bar(live, 3).Row(T0 + Day, null, null, null, null);

        var result = json.Parse();

        Assert.Equal([1.0, 3], result.Bars.Select(b => b.Close));
        Assert.Equal(
            [new DroppedRow(1, T0, DropReasons.SupersededSameDayLiveBar), new DroppedRow(3, T0 + Day, DropReasons.AllNull)],
            result.DroppedRows);
    }

    [Fact]
    public void Parse_WeeklyLastTwoRowsSameLocalDate_SupersededToo()
    {
        var week = 7 * Day;
        var result = new ChartJson(granularity: "1wk").Bar(T0, 1).Bar(T0 + week, 2).Bar(T0 + week + 3600, 3).Parse("1wk");

        Assert.Equal([1.0, 3], result.Bars.Select(b => b.Close));
        Assert.Equal([new DroppedRow(1, T0 + week, DropReasons.SupersededSameDayLiveBar)], result.DroppedRows);
    }

    [Fact]
    public void Parse_DailyWithPeriod2_RowsAfterPeriod2Kept()
    {
        // R8's period2 rule is for intraday intervals; a daily tail is R7's business.
        var result = new ChartJson().Bar(T0).Bar(T0 + Day).Parse(period2: T0 + 60);

        Assert.Equal(2, result.Bars.Count);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Parse_IntradayLastRowLessThanOneIntervalAfterPrevious_DroppedAsLivePartial()
    {
        var start = ChartJson.Epoch("2024-10-02T13:30:00Z");
        var json = new ChartJson(granularity: "1m") { WithAdjClose = false }.Bar(start).Bar(start + 60).Bar(start + 90);

        var result = json.Parse("1m");

        Assert.Equal([start, start + 60], result.Bars.Select(b => b.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal([new DroppedRow(2, start + 90, DropReasons.LivePartialInterval)], result.DroppedRows);
    }

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("90m", 5400)]
    public void Parse_IntradayLastRowExactlyOneIntervalLater_Kept(string interval, long seconds)
    {
        var start = ChartJson.Epoch("2024-10-02T13:30:00Z");
        var result = new ChartJson(granularity: interval) { WithAdjClose = false }.Bar(start).Bar(start + seconds).Parse(interval);

        Assert.Equal(2, result.Bars.Count);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Parse_IntradayLastRowBeforeOneInterval_OnlyTheLastOneIsChecked()
    {
        var start = ChartJson.Epoch("2024-10-02T13:30:00Z");
        var json = new ChartJson(granularity: "5m") { WithAdjClose = false }.Bar(start).Bar(start + 300).Bar(start + 400).Bar(start + 450);

        var result = json.Parse("5m");

        Assert.Equal([start, start + 300, start + 400], result.Bars.Select(b => b.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal([new DroppedRow(3, start + 450, DropReasons.LivePartialInterval)], result.DroppedRows);
    }

    [Fact]
    public void Parse_IntradayRowsAtOrAfterPeriod2_DroppedAsAfterPeriod2()
    {
        var start = ChartJson.Epoch("2024-10-02T19:58:00Z");
        var period2 = ChartJson.Epoch("2024-10-03T00:00:00Z");
        var json = new ChartJson(granularity: "1m") { WithAdjClose = false }
            .Bar(start).Bar(start + 60).Bar(period2).Bar(ChartJson.Epoch("2024-10-03T20:00:00Z"));

        var result = json.Parse("1m", period2: period2);

        Assert.Equal([start, start + 60], result.Bars.Select(b => b.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal([DropReasons.AfterPeriod2, DropReasons.AfterPeriod2], result.DroppedRows.Select(d => d.Reason));
        Assert.Equal([2, 3], result.DroppedRows.Select(d => d.Index));
    }

    [Fact]
    public void Parse_IntradayLivePartialBeforeARowAfterPeriod2_BothDropped()
    {
        // Rows outside the request go first; the live check then looks at the tail of what was asked for.
        var start = ChartJson.Epoch("2024-10-02T19:58:00Z");
        var period2 = ChartJson.Epoch("2024-10-03T00:00:00Z");
        var json = new ChartJson(granularity: "1m") { WithAdjClose = false }
            .Bar(start).Bar(start + 60).Bar(start + 75).Bar(period2 + 72_000);

        var result = json.Parse("1m", period2: period2);

        Assert.Equal([start, start + 60], result.Bars.Select(b => b.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal(
            [new DroppedRow(2, start + 75, DropReasons.LivePartialInterval), new DroppedRow(3, period2 + 72_000, DropReasons.AfterPeriod2)],
            result.DroppedRows);
    }

    [Fact]
    public void Parse_IntradaySameLocalDate_NotSupersededByTheDailyRule()
    {
        var start = ChartJson.Epoch("2024-10-02T13:30:00Z");
        var result = new ChartJson(granularity: "30m") { WithAdjClose = false }.Bar(start).Bar(start + 1800).Parse("30m");

        Assert.Equal(2, result.Bars.Count);
    }

    [Fact]
    public void Parse_SingleValidRow_NoTailRuleApplies()
    {
        var daily = new ChartJson().Bar(T0 + 20_000).Parse();
        var intraday = new ChartJson(granularity: "1m") { WithAdjClose = false }.Bar(T0 + 17).Parse("1m");

        Assert.Single(daily.Bars);
        Assert.Single(intraday.Bars);
    }
}
