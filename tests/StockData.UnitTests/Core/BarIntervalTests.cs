using StockData.Core;

namespace StockData.UnitTests.Core;

public sealed class BarIntervalTests
{
    [Theory]
    [InlineData("1m", false)]
    [InlineData("90m", false)]
    [InlineData("1h", false)]
    [InlineData("1d", true)]
    [InlineData("1wk", true)]
    [InlineData("3mo", true)]
    public void Parse_KnownToken_ReturnsFamily(string token, bool daily)
    {
        var interval = BarInterval.Parse(token);
        Assert.Equal(token, interval.Token);
        Assert.Equal(daily, interval.IsDailyOrLonger);
        Assert.Equal(!daily, interval.IsIntraday);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1D")]
    [InlineData("7m")]
    [InlineData(null)]
    public void TryParse_Unknown_ReturnsFalse(string? token) => Assert.False(BarInterval.TryParse(token, out _));

    [Fact]
    public void Parse_Unknown_NamesTheTokenAndTheKnownOnes()
    {
        var ex = Assert.Throws<FormatException>(() => BarInterval.Parse("2d"));
        Assert.Contains("'2d'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1wk", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FetchErrorCategory_Names_AreTheContractSpelling()
    {
        Assert.Equal(
            ["rate_limited", "unauthorized", "server_error", "not_found", "bad_request", "malformed"],
            Enum.GetValues<FetchErrorCategory>().Select(c => c.ToName()));
    }
}
