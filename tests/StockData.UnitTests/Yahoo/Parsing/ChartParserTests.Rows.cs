using StockData.Core;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>Row rules: validity (R2), all-zero rows (R3), volume (R4), adj close (R5), duplicates (R6), order (R9).</summary>
public sealed partial class ChartParserTests
{
    private static readonly long T0 = ChartJson.Epoch("2024-03-04T14:30:00Z");
    private const long Day = 86_400;

    [Fact]
    public void Parse_NullsInTheMiddle_PartialAndAllNullRowsDroppedWithIndexAndTimestamp()
    {
        var json = new ChartJson()
            .Bar(T0)
            .Row(T0 + Day, 10, null, 9, 10)
            .Row(T0 + (2 * Day), null, null, null, null, volume: null)
            .Row(T0 + (3 * Day), null, null, null, null, volume: 5)
            .Row(T0 + (4 * Day), 10, 11, 9, null)
            .Bar(T0 + (5 * Day));

        var result = json.Parse();

        Assert.Null(result.Error);
        Assert.Equal([T0, T0 + (5 * Day)], result.Bars.Select(b => b.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal(
            [
                new DroppedRow(1, T0 + Day, DropReasons.PartialNull),
                new DroppedRow(2, T0 + (2 * Day), DropReasons.AllNull),
                new DroppedRow(3, T0 + (3 * Day), DropReasons.AllNull),
                new DroppedRow(4, T0 + (4 * Day), DropReasons.PartialNull),
            ],
            result.DroppedRows);
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    public void Parse_NonFiniteStringInAPrice_RowDroppedAsNonFinite(string token)
    {
        var json = new ChartJson()
            .Bar(T0)
            .RawRow(T0 + Day, "10", token, "9", "10")
            .RawRow(T0 + (2 * Day), token, token, token, token)
            .Bar(T0 + (3 * Day));

        var result = json.Parse();

        Assert.Equal(2, result.Bars.Count);
        Assert.Equal(
            [new DroppedRow(1, T0 + Day, DropReasons.NonFinite), new DroppedRow(2, T0 + (2 * Day), DropReasons.NonFinite)],
            result.DroppedRows);
    }

    [Fact]
    public void Parse_NullAndNaNInOneRow_PartialNullAsListedFirstInR2()
    {
        var result = new ChartJson().RawRow(T0, "null", "\"NaN\"", "9", "10").Bar(T0 + Day).Parse();

        Assert.Equal([new DroppedRow(0, T0, DropReasons.PartialNull)], result.DroppedRows);
    }

    [Fact]
    public void Parse_AllFourPricesZero_DroppedAsAllZeroButSingleZeroAndNegativesKept()
    {
        var json = new ChartJson()
            .Row(T0, 0, 0, 0, 0, volume: 0)
            .Row(T0 + Day, 519.79, 600, 0, 550)
            .Row(T0 + (2 * Day), -37.63, 1.0, -40.32, -37.63)
            .Row(T0 + (3 * Day), -0.0, 0, 0, 0.0);

        var result = json.Parse();

        Assert.Equal([0.0, -40.32], result.Bars.Select(b => b.Low));
        Assert.Equal(
            [new DroppedRow(0, T0, DropReasons.AllZero), new DroppedRow(3, T0 + (3 * Day), DropReasons.AllZero)],
            result.DroppedRows);
    }

    [Fact]
    public void Parse_VolumesAboveInt32_KeptExactlyAsInt64()
    {
        var json = new ChartJson()
            .RawRow(T0, "1", "1", "1", "1", volume: "28111481032")
            .RawRow(T0 + Day, "1", "1", "1", "1", volume: "9007199254740993")
            .RawRow(T0 + (2 * Day), "1", "1", "1", "1", volume: "4294967296")
            .RawRow(T0 + (3 * Day), "1", "1", "1", "1", volume: "2.8e10");

        var result = json.Parse();

        Assert.Equal([28111481032L, 9007199254740993L, 4294967296L, 28_000_000_000L], result.Bars.Select(b => b.Volume));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"NaN\"")]
    public void Parse_MissingVolume_RowKeptWithNullVolume(string token)
    {
        var result = new ChartJson().RawRow(T0, "10", "11", "9", "10.5", volume: token).Parse();

        var bar = Assert.Single(result.Bars);
        Assert.Null(bar.Volume);
        Assert.Equal(10.5, bar.Close);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Parse_VolumeArrayAbsent_BarsKeptWithNullVolume()
    {
        var json = new ChartJson { Quote = """{"open":[1,2],"high":[1,2],"low":[1,2],"close":[1,2]}""" };
        json.Bar(T0).Bar(T0 + Day);

        var result = json.Parse();

        Assert.Equal(2, result.Bars.Count);
        Assert.All(result.Bars, b => Assert.Null(b.Volume));
    }

    [Fact]
    public void Parse_AdjClose_ValueOrNullForNullAndNonFiniteRowStillKept()
    {
        var json = new ChartJson()
            .RawRow(T0, "10", "11", "9", "10", adjClose: "9.5")
            .RawRow(T0 + Day, "10", "11", "9", "10", adjClose: "null")
            .RawRow(T0 + (2 * Day), "10", "11", "9", "10", adjClose: "\"Infinity\"")
            .RawRow(T0 + (3 * Day), "10", "11", "9", "10", adjClose: "\"NaN\"");

        var result = json.Parse();

        Assert.Equal([9.5, null, null, null], result.Bars.Select(b => b.AdjClose));
        Assert.Empty(result.DroppedRows);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "{}")]
    public void Parse_AdjCloseBlockAbsentOrEmpty_AdjCloseNull(bool withBlock, string? block)
    {
        var json = new ChartJson { WithAdjClose = withBlock, AdjCloseBlock = block };
        json.Bar(T0).Bar(T0 + Day);

        var result = json.Parse();

        Assert.Equal(2, result.Bars.Count);
        Assert.All(result.Bars, b => Assert.Null(b.AdjClose));
    }

    [Fact]
    public void Parse_DuplicateTimestamps_LastOccurrenceKeptOthersDropped()
    {
        var json = new ChartJson()
            .Bar(T0, 1)
            .Bar(T0 + Day, 2)
            .Bar(T0 + Day, 3)
            .Bar(T0 + (2 * Day), 4)
            .Bar(T0 + Day, 5)
            .Bar(T0 + (3 * Day), 6);

        var result = json.Parse();

        Assert.Equal([1.0, 5, 4, 6], result.Bars.Select(b => b.Close));
        Assert.Equal([T0, T0 + Day, T0 + (2 * Day), T0 + (3 * Day)], result.Bars.Select(b => b.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal(
            [new DroppedRow(1, T0 + Day, DropReasons.DuplicateTimestamp), new DroppedRow(2, T0 + Day, DropReasons.DuplicateTimestamp)],
            result.DroppedRows);
    }

    [Fact]
    public void Parse_DuplicateOfAnInvalidRow_InvalidRowKeepsItsOwnReasonValidRowStays()
    {
        // Duplicates are resolved among valid rows: a null copy does not erase the real bar (R2 before R6).
        var json = new ChartJson()
            .Bar(T0, 1)
            .Row(T0, null, null, null, null)
            .Bar(T0 + Day, 2);

        var result = json.Parse();

        Assert.Equal([1.0, 2], result.Bars.Select(b => b.Close));
        Assert.Equal([new DroppedRow(1, T0, DropReasons.AllNull)], result.DroppedRows);
    }

    [Fact]
    public void Parse_RowsOutOfOrder_BarsSortedAscendingDroppedIndicesAreBodyIndices()
    {
        var json = new ChartJson()
            .Bar(T0 + (2 * Day), 3)
            .Bar(T0, 1)
            .Row(T0 + (3 * Day), null, null, null, null)
            .Bar(T0 + Day, 2);

        var result = json.Parse();

        Assert.Equal([1.0, 2, 3], result.Bars.Select(b => b.Close));
        Assert.Equal([new DroppedRow(2, T0 + (3 * Day), DropReasons.AllNull)], result.DroppedRows);
    }

    [Fact]
    public void Parse_DroppedRows_CountIsInputRowsLessBars()
    {
        var json = new ChartJson()
            .Bar(T0)
            .Row(T0 + Day, null, null, null, null)
            .Row(T0 + (2 * Day), 0, 0, 0, 0)
            .Bar(T0 + (3 * Day))
            .Bar(T0 + (3 * Day))
            .RawRow(T0 + (4 * Day), "\"NaN\"", "1", "1", "1");

        var result = json.Parse();

        Assert.Equal(6, result.Bars.Count + result.DroppedRows.Count);
        Assert.Equal([1, 2, 3, 5], result.DroppedRows.Select(d => d.Index));
    }

    [Fact]
    public void Parse_ExponentAndShortDecimals_ReadExactly()
    {
        var result = new ChartJson().RawRow(T0, "8.7e-06", "1185.6600341796875", "1168.7", "1E+2", adjClose: "8.7E-06").Parse();

        var bar = Assert.Single(result.Bars);
        Assert.Equal((8.7e-06, 1185.6600341796875, 1168.7, 100.0, 8.7e-06), (bar.Open, bar.High, bar.Low, bar.Close, bar.AdjClose));
    }
}
