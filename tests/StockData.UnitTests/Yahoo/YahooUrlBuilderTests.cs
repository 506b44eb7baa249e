using StockData.Core;
using StockData.Yahoo.Client;

namespace StockData.UnitTests.Yahoo;

public sealed class YahooUrlBuilderTests
{
    private static readonly Uri Query2 = new("https://query2.finance.yahoo.com");

    [Fact]
    public void Build_Period_SendsEpochSecondsIntervalAndEvents()
    {
        var request = YahooChartRequest.ForPeriod("^GSPC", BarInterval.Daily,
            DateTimeOffset.FromUnixTimeSeconds(1598832000), DateTimeOffset.FromUnixTimeSeconds(1604707200));

        var uri = YahooUrlBuilder.Build(Query2, request, "div|split|capitalGains");

        Assert.Equal(
            "https://query2.finance.yahoo.com/v8/finance/chart/%5EGSPC?period1=1598832000&period2=1604707200&interval=1d&events=div%7Csplit%7CcapitalGains",
            uri.AbsoluteUri);
    }

    [Fact]
    public void Build_Range_SendsRangeAndPrePost()
    {
        var request = YahooChartRequest.ForRange("M&M.NS", BarInterval.Parse("5m"), "5d") with { IncludePrePost = true };

        var uri = YahooUrlBuilder.Build(Query2, request, "");

        Assert.Equal("https://query2.finance.yahoo.com/v8/finance/chart/M%26M.NS?range=5d&interval=5m&includePrePost=true", uri.AbsoluteUri);
    }

    [Fact]
    public void Build_BaseWithPathPrefix_KeepsPrefix()
    {
        var request = YahooChartRequest.ForRange("BRK-B", BarInterval.Daily, "1mo");

        var uri = YahooUrlBuilder.Build(new Uri("http://127.0.0.1:8080/proxy/"), request, "div");

        Assert.Equal("/proxy/v8/finance/chart/BRK-B", uri.AbsolutePath);
        Assert.Equal("127.0.0.1", uri.Host);
        Assert.Equal(8080, uri.Port);
    }

    [Theory]
    [InlineData("AAPL")]
    [InlineData("^GSPC")]
    [InlineData("M&M.NS")]
    [InlineData("EURUSD=X")]
    [InlineData("0700.HK")]
    public void Build_ValidSymbols_PathIsChartPlusOneSegment(string symbol)
    {
        var uri = YahooUrlBuilder.Build(Query2, YahooChartRequest.ForRange(symbol, BarInterval.Daily, "1y"), "div");

        Assert.Equal("query2.finance.yahoo.com", uri.Host);
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["v8", "finance", "chart", YahooSymbol.ToPathSegment(symbol)], segments);
        Assert.Equal(symbol, Uri.UnescapeDataString(segments[^1]));
    }

    [Theory]
    [InlineData("../../v7/finance/download/AAPL")]
    [InlineData("AAPL@evil.example")]
    [InlineData("AAPL%2F..%2F..")]
    public void Request_HostileSymbol_RejectedBeforeAnyUrl(string symbol)
    {
        Assert.Throws<InvalidYahooSymbolException>(() => YahooChartRequest.ForRange(symbol, BarInterval.Daily, "1y"));
    }

    [Fact]
    public void ForPeriod_Reversed_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily,
            DateTimeOffset.FromUnixTimeSeconds(2000), DateTimeOffset.FromUnixTimeSeconds(1000)));
        Assert.Contains("before period1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRange_Unknown_ListsValidRanges()
    {
        var ex = Assert.Throws<ArgumentException>(() => YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "7y"));
        Assert.Contains("ytd", ex.Message, StringComparison.Ordinal);
    }
}
