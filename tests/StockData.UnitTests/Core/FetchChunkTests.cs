using StockData.Core;

namespace StockData.UnitTests.Core;

public sealed class FetchChunkTests
{
    private static readonly FetchEvents Events = new(null, [new Dividend(DateTimeOffset.UnixEpoch, new DateOnly(1970, 1, 1), 1)], [], []);

    [Fact]
    public void Split_HeadKeepsOffsetTailCarriesLastAndEvents()
    {
        var chunk = new FetchChunk(7, "AAA", BarInterval.Daily, true, 100, Bars(10), true, Events);

        var (head, tail) = chunk.Split(4);

        Assert.Equal((100, 4, false, null), (head.Offset, head.RowCount, head.IsLast, head.Events));
        Assert.Equal((104, 6, true, Events), (tail.Offset, tail.RowCount, tail.IsLast, tail.Events));
        Assert.All(new[] { head, tail }, c => Assert.Equal((7L, "AAA", true), (c.FetchId, c.Symbol, c.IsFullHistory)));
        Assert.Equal(chunk.Bars[4], tail.Bars[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void Split_NothingToSplit_Throws(int rows) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FetchChunk(1, "A", BarInterval.Daily, false, 0, Bars(10), true).Split(rows));

    [Fact]
    public void FromResult_SharesTheParsedListAndTakesItsEvents()
    {
        var bars = Bars(5).ToList();
        var result = new FetchResult("AAA", BarInterval.Daily, null, bars, Events.Dividends, [], [], [], null);

        var chunk = FetchChunk.FromResult(3, result, isFullHistory: false);

        Assert.Equal(new BarSlice(bars), chunk.Bars);
        Assert.Equal((0, true, 5), (chunk.Offset, chunk.IsLast, chunk.RowCount));
        Assert.Same(Events.Dividends, chunk.Events!.Dividends);
    }

    internal static Bar[] Bars(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Bar(DateTimeOffset.UnixEpoch.AddDays(i), new DateOnly(1970, 1, 1).AddDays(i), i, i, i, i, i, i))];
}
