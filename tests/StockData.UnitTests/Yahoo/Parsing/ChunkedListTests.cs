using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

public sealed class ChunkedListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkedList<long>.ChunkLength)]
    [InlineData(ChunkedList<long>.ChunkLength + 1)]
    [InlineData(2520)]
    public void Set_ThenReadByIndexAndEnumeration_SameItemsInOrder(int count)
    {
        var list = new ChunkedList<long>(count);
        for (var i = 0; i < count; i++)
        {
            list.Set(i, i * 10L);
        }

        Assert.Equal(count, list.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * 10L), list);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * 10L), Enumerable.Range(0, count).Select(i => list[i]));
    }

    [Fact]
    public void Indexer_OutOfRange_Throws()
    {
        var list = new ChunkedList<long>(3);

        Assert.Throws<IndexOutOfRangeException>(() => list[3]);
        Assert.Throws<IndexOutOfRangeException>(() => list[-1]);
    }

    [Fact]
    public void Parse_TenYearsOfDailyBars_NoChunkOnTheLargeObjectHeap()
    {
        var json = new ChartJson("UTC");
        for (var i = 0; i < 2520; i++)
        {
            json.Bar(1_420_070_400 + (i * 86_400L), 100 + i);
        }

        var result = json.Parse();

        Assert.Equal(2520, result.Bars.Count);
        Assert.Equal(100 + 2519, result.Bars[^1].Close);
        var bars = Assert.IsType<ChunkedList<StockData.Core.Bar>>(result.Bars);
        Assert.Equal(2520, bars.Count);
        Assert.True(System.Runtime.CompilerServices.Unsafe.SizeOf<StockData.Core.Bar>() * ChunkedList<StockData.Core.Bar>.ChunkLength < 85_000);
    }
}
