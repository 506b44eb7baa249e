using StockData.TestSupport;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.UnitTests.Storage.Postgres;

public sealed class BarBatchPlanTests
{
    [Fact]
    public void Create_GroupsByFamilyInSymbolOrderAndPassesSortedChunksThroughUncopied()
    {
        var daily = Daily(5);
        var intraday = Daily(3).Select((b, i) => b with { Timestamp = b.Timestamp.AddMinutes(i) }).ToArray();
        var batch = new WriteBatch([Chunk("ZZZ", daily), Chunk("AAA", daily), Chunk("AAA", intraday, "5m")]);

        var plan = BarBatchPlan.Create(batch);

        Assert.Equal(["AAA", "ZZZ"], plan.DailyGroups.Select(g => g.Symbol));
        Assert.Equal(batch.Chunks[1].Bars, plan.DailyGroups[0].Rows);
        Assert.Equal("5m", Assert.Single(plan.IntradayGroups).Interval);
        Assert.Equal((10, 3, 0), (plan.DailyRows, plan.IntradayRows, plan.Superseded));
        Assert.Equal(["AAA", "ZZZ"], plan.Symbols.Select(s => s.Symbol));
        Assert.Equal(3, plan.SymbolIntervals.Count);
    }

    [Fact]
    public void Create_DuplicateKeys_LastWinsAcrossChunksAndRowsAreSorted()
    {
        var bars = Daily(4);
        var first = Chunk("AAA", [bars[2], bars[0], bars[1] with { Close = -1 }]);
        var second = Chunk("AAA", [bars[1] with { Close = 99 }, bars[3]]);

        var plan = BarBatchPlan.Create(new WriteBatch([first, second]));

        var rows = Assert.Single(plan.DailyGroups).Rows.ToArray();
        Assert.Equal(bars.Select(b => b.TradeDate), rows.Select(r => r.TradeDate));
        Assert.Equal(99, rows[1].Close);
        Assert.Equal(1, plan.Superseded);
    }

    [Fact]
    public void Create_OneFetchInSeveralChunks_OneSpanCoveringThem()
    {
        var bars = Daily(10);
        var split = new WriteBatch([
            new FetchChunk(9, "AAA", BarInterval.Daily, true, 20, new BarSlice(bars, 0, 5), false),
            new FetchChunk(9, "AAA", BarInterval.Daily, true, 25, new BarSlice(bars, 5, 5), true,
                new FetchEvents(null, [new Dividend(bars[9].Timestamp, bars[9].TradeDate, 0.1)],
                    [new Split(bars[8].Timestamp, bars[8].TradeDate, 2, 1)], [])),
        ]);

        var span = Assert.Single(BarBatchPlan.Create(split).Fetches);

        Assert.Equal((20, 30, true, true), (span.FirstOffset, span.EndOffset, span.ContainsLast, span.IsFullHistory));
        Assert.Equal(bars[9].Timestamp, span.NewestActionAt);
        Assert.StartsWith("dividend", span.NewestActionReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")]
    public void Create_InvalidSymbol_Throws(string symbol) =>
        Assert.Throws<ArgumentException>(() => BarBatchPlan.Create(new WriteBatch([Chunk(symbol, Daily(1))])));

    [Fact]
    public void Create_NoInterval_Throws() =>
        Assert.Throws<ArgumentException>(() => BarBatchPlan.Create(new WriteBatch([
            new FetchChunk(1, "AAA", default, false, 0, Daily(1), true)])));

    private static FetchChunk Chunk(string symbol, Bar[] bars, string interval = "1d") =>
        new(TestFetchIds.Next(), symbol, BarInterval.Parse(interval), false, 0, bars, true);

    private static Bar[] Daily(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Bar(new DateTimeOffset(2024, 1, 2 + i, 14, 30, 0, TimeSpan.Zero),
            new DateOnly(2024, 1, 2 + i), 1, 2, 0.5, 1.5, 1.4, 100))];
}
