using StockData.Core;
using StockData.Pipeline.Cli;

namespace StockData.UnitTests.Cli;

/// <summary>The <c>bars</c> verb's option checks and its terminal table (the process itself: BarsCommandProcessTests).</summary>
public sealed class BarsCommandTests
{
    [Fact]
    public void Query_GoodOptions_BecomeTheQuery()
    {
        var (query, problem) = BarsCommand.Query("aapl", "1wk", "2020-01-01", "2020-12-31", "2024-05-01T12:00:00Z", "splits");

        Assert.Null(problem);
        Assert.Equal("AAPL", query!.Symbol);
        Assert.Equal("1wk", query.Interval.Token);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), query.AsOf);
        Assert.Equal(PriceAdjustment.Splits, query.Adjust);
    }

    [Theory]
    [InlineData("A B", "1d", null, null, null, "none", "--symbol: ")]
    [InlineData("AAPL", "7x", null, null, null, "none", "--interval: '7x' is not one of 1m,")]
    [InlineData("AAPL", "1d", "someday", null, null, "none", "--from: 'someday' is not an ISO-8601 date")]
    [InlineData("AAPL", "1d", null, "2020-13-01", null, "none", "--to: ")]
    [InlineData("AAPL", "1d", "2021-01-01", "2020-01-01", null, "none", "--from: must not be after --to")]
    [InlineData("AAPL", "1d", null, null, "yesterday", "none", "--as-of: ")]
    [InlineData("AAPL", "1d", null, null, null, "dividends", "--adjust: 'dividends' is not one of none, splits, all")]
    public void Query_BadOption_OneLineNamingIt(string symbol, string interval, string? from, string? to, string? asOf, string adjust, string expected)
    {
        var (query, problem) = BarsCommand.Query(symbol, interval, from, to, asOf, adjust);

        Assert.Null(query);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Fact]
    public void Table_OneRowPerBar_NumbersRightAligned_NullsEmpty()
    {
        var table = BarsCommand.Table();
        BarsCommand.AddRow(table, new Bar(new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero), new DateOnly(2024, 1, 2),
            185.1, 186.5, 183, 185.25, 184.123456789, 1234567));
        BarsCommand.AddRow(table, new Bar(new DateTimeOffset(2024, 1, 3, 14, 30, 0, TimeSpan.Zero), new DateOnly(2024, 1, 3),
            1, 2, 0.5, 1.5, null, null));

        var lines = table.ToPlainText().Split(Environment.NewLine);

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("DATE       TIME (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^2024-01-02 14:30:00 +185\.1 +186\.5 +183 +185\.25 +184\.123457 +1,234,567$", lines[1]);
        Assert.Matches(@"^2024-01-03 14:30:00 +1 +2 +0\.5 +1\.5 +$", lines[2]);
        Assert.Equal(lines[1].Length, lines[0].Length);
    }
}
