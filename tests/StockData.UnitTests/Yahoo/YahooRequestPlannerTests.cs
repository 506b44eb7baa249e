using Microsoft.Extensions.Time.Testing;
using StockData.Core;
using StockData.Yahoo.Client;

namespace StockData.UnitTests.Yahoo;

public sealed class YahooRequestPlannerTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 30, 16, 0, 0, TimeSpan.Zero);

    private static YahooRequestPlanner CreateSut() => new(new FakeTimeProvider(Now));

    [Fact]
    public void Plan_Daily_OneRequestWhateverTheLength()
    {
        var from = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var plan = CreateSut().Plan("AAPL", BarInterval.Daily, from, Now);

        var request = Assert.Single(plan);
        Assert.Equal(from, request.Period1);
        Assert.Equal(Now, request.Period2);
        Assert.Equal("1d", request.Interval.Token);
    }

    [Fact]
    public void Plan_OneMinute20Days_ThreeContiguousChunksOfAtMost7Days()
    {
        var from = Now.AddDays(-20);

        var plan = CreateSut().Plan("AAPL", BarInterval.Parse("1m"), from, Now);

        Assert.Equal(3, plan.Count);
        Assert.Equal(from, plan[0].Period1);
        Assert.Equal(Now, plan[^1].Period2);
        for (var i = 0; i < plan.Count; i++)
        {
            Assert.True(plan[i].Period2 - plan[i].Period1 <= TimeSpan.FromDays(7));
            if (i > 0)
            {
                Assert.Equal(plan[i - 1].Period2, plan[i].Period1);
            }
        }
    }

    [Fact]
    public void Plan_OneMinuteExactly7Days_OneRequest()
    {
        var plan = CreateSut().Plan("AAPL", BarInterval.Parse("1m"), Now.AddDays(-7), Now);

        Assert.Single(plan);
    }

    [Fact]
    public void Plan_OneMinuteBeyond30Days_ClearErrorWithEarliest()
    {
        var ex = Assert.Throws<YahooRequestWindowException>(() =>
            CreateSut().Plan("AAPL", BarInterval.Parse("1m"), Now.AddDays(-31), Now));

        Assert.Equal(Now.AddDays(-30), ex.Earliest);
        Assert.Contains("1m", ex.Message, StringComparison.Ordinal);
        Assert.Contains("30 days", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AAPL", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2m")]
    [InlineData("5m")]
    [InlineData("15m")]
    [InlineData("30m")]
    [InlineData("90m")]
    public void Plan_ShortIntradayWithin60Days_OneRequest(string interval)
    {
        var plan = CreateSut().Plan("MSFT", BarInterval.Parse(interval), Now.AddDays(-59), Now);

        Assert.Single(plan);
    }

    [Theory]
    [InlineData("2m")]
    [InlineData("5m")]
    [InlineData("90m")]
    public void Plan_ShortIntradayBeyond60Days_Throws(string interval)
    {
        var ex = Assert.Throws<YahooRequestWindowException>(() =>
            CreateSut().Plan("MSFT", BarInterval.Parse(interval), Now.AddDays(-61), Now));

        Assert.Contains("60 days", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1h")]
    [InlineData("60m")]
    public void Plan_HourlyWithin730Days_OneRequest_BeyondThrows(string interval)
    {
        var sut = CreateSut();

        Assert.Single(sut.Plan("MSFT", BarInterval.Parse(interval), Now.AddDays(-729), Now));
        Assert.Throws<YahooRequestWindowException>(() => sut.Plan("MSFT", BarInterval.Parse(interval), Now.AddDays(-731), Now));
    }

    [Fact]
    public void Plan_WindowMovesWithTheClock()
    {
        var time = new FakeTimeProvider(Now);
        var sut = new YahooRequestPlanner(time);
        var from = Now.AddDays(-29);
        Assert.Equal(5, sut.Plan("AAPL", BarInterval.Parse("1m"), from, from.AddDays(29)).Count);

        time.Advance(TimeSpan.FromDays(2));

        Assert.Throws<YahooRequestWindowException>(() => sut.Plan("AAPL", BarInterval.Parse("1m"), from, from.AddDays(29)));
        Assert.Equal(Now.AddDays(2 - 30), sut.EarliestStart(BarInterval.Parse("1m")));
        Assert.Null(sut.EarliestStart(BarInterval.Daily));
    }

    [Fact]
    public void Plan_EmptyOrReversedRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => CreateSut().Plan("AAPL", BarInterval.Daily, Now, Now));
        Assert.Throws<ArgumentException>(() => CreateSut().Plan("AAPL", BarInterval.Daily, Now, Now.AddDays(-1)));
    }

    [Fact]
    public void Plan_BadSymbol_ThrowsBeforePlanning()
    {
        Assert.Throws<InvalidYahooSymbolException>(() => CreateSut().Plan("../x", BarInterval.Daily, Now.AddDays(-1), Now));
    }

    [Fact]
    public void Plan_PrePost_CarriedToEveryChunk()
    {
        var plan = CreateSut().Plan("TSLA", BarInterval.Parse("1m"), Now.AddDays(-10), Now, includePrePost: true);

        Assert.All(plan, r => Assert.True(r.IncludePrePost));
    }
}
