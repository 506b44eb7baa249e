using StockData.Upstream.Caching;

namespace StockData.UnitTests.Upstream.Caching;

public sealed class ChartResponseCacheSizeTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2_000, 1)]
    [InlineData(16 * 1024, 1)]
    [InlineData((16 * 1024) + 1, 2)]
    [InlineData(60_000, 4)]
    public void SizeUnits_CountsOnePerStarted16KiBOfCompressedBody(int compressedBytes, long units) =>
        Assert.Equal(units, ChartResponseCache.SizeUnits(compressedBytes));
}
