using StockData.Pipeline.Export;

namespace StockData.UnitTests.Export;

public sealed class CsvLineTests
{
    [Fact]
    public void Fields_InvariantRoundTrip_QuotedOnlyWhenNeeded_NullsEmpty()
    {
        var line = new CsvLine();
        line.Text("BRK-B");
        line.Text("a \"quoted\", text");
        line.Date(new DateOnly(2024, 2, 29));
        line.Timestamp(new DateTime(2024, 2, 29, 14, 30, 5, DateTimeKind.Utc));
        line.Number(0.1 + 0.2);
        line.Number(null);
        line.Integer(12_345_678_901L);
        line.Integer(null);
        line.Text(null);

        Assert.Equal("BRK-B,\"a \"\"quoted\"\", text\",2024-02-29,2024-02-29T14:30:05Z,0.30000000000000004,,12345678901,,", line.Span.ToString());
        Assert.Equal(0.1 + 0.2, double.Parse("0.30000000000000004", System.Globalization.CultureInfo.InvariantCulture));

        line.Clear();
        line.Number(1e-300);
        Assert.Equal("1E-300", line.Span.ToString());
    }

    [Fact]
    public void LongLine_GrowsItsBuffer()
    {
        var line = new CsvLine();
        var text = new string('x', 1000);
        line.Text(text);
        line.Text(text);
        Assert.Equal(text + "," + text, line.Span.ToString());
    }
}
