using StockData.Core;
using StockData.Pipeline.Http;

namespace StockData.UnitTests.Http;

public sealed class BarsStreamResultTests
{
    [Fact]
    public void CsvLine_InvariantRoundTripUtcAndEmptyNulls()
    {
        var bar = new Bar(new DateTimeOffset(2024, 1, 2, 9, 30, 0, TimeSpan.FromHours(-5)), new DateOnly(2024, 1, 2),
            185.1, 186.5, 183.0, 0.1 + 0.2, null, null);

        var line = BarsStreamResult.CsvLine("^GSPC", "1d", bar);

        Assert.Equal("^GSPC,1d,2024-01-02T14:30:00Z,2024-01-02,185.1,186.5,183,0.30000000000000004,,", line);
        Assert.Equal(BarsStreamResult.CsvHeader.Split(',').Length, line.Split(',').Length);
    }

    [Fact]
    public void CsvLine_AllValues()
    {
        var bar = new Bar(new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero), new DateOnly(2024, 1, 2), 1, 2, 0.5, 1.5, 1.25, 1000);

        Assert.Equal("AAPL,1d,2024-01-02T14:30:00Z,2024-01-02,1,2,0.5,1.5,1.25,1000", BarsStreamResult.CsvLine("AAPL", "1d", bar));
    }
}
