using StockData.Core;

namespace StockData.UnitTests.Core;

public sealed class BarSliceTests
{
    [Fact]
    public void Slice_WindowsTheSameListWithoutCopying()
    {
        var bars = FetchChunkTests.Bars(10);
        var slice = new BarSlice(bars).Slice(2, 6).Slice(1);

        Assert.Equal(5, slice.Count);
        Assert.Equal(bars[3..8], slice.ToArray());
        bars[3] = bars[3] with { Close = 42 };
        Assert.Equal(42, slice[0].Close);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Indexer_OutsideTheWindow_Throws(int index) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BarSlice(FetchChunkTests.Bars(10), 2, 3)[index]);

    [Fact]
    public void Constructor_WindowPastTheEnd_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BarSlice(FetchChunkTests.Bars(3), 2, 2));

    [Fact]
    public void Default_IsEmpty()
    {
        var slice = default(BarSlice);
        Assert.Empty(slice);
        Assert.Empty(slice.Slice(0, 0));
    }
}
