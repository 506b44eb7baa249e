using StockData.Core;
using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>Shape (R10), empty responses and unknown fields (R13).</summary>
public sealed partial class ChartParserTests
{
    [Theory]
    [InlineData("open")]
    [InlineData("high")]
    [InlineData("low")]
    [InlineData("close")]
    [InlineData("volume")]
    public void Parse_QuoteArrayShorterThanTimestamp_MalformedNamingTheArray(string column)
    {
        var arrays = new Dictionary<string, string>
        {
            ["open"] = "[1,2,3]", ["high"] = "[1,2,3]", ["low"] = "[1,2,3]", ["close"] = "[1,2,3]", ["volume"] = "[1,2,3]",
        };
        arrays[column] = "[1,2]";
        var json = new ChartJson
        {
            Timestamp = $"[{T0},{T0 + Day},{T0 + (2 * Day)}]",
            Quote = "{" + string.Join(",", arrays.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + "}",
            AdjCloseBlock = """{"adjclose":[1,2,3]}""",
        };

        var result = json.Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains($"quote[0].{column} has 2 values but timestamp has 3", result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(result.Bars);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Parse_AdjCloseLongerThanTimestamp_Malformed()
    {
        var json = new ChartJson { AdjCloseBlock = """{"adjclose":[1,2,3]}""" }.Bar(T0).Bar(T0 + Day);

        var result = json.Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("adjclose[0].adjclose has 3 values", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChartJson.Absent, "{}")]
    [InlineData("null", "{}")]
    [InlineData("[]", "{}")]
    [InlineData(ChartJson.Absent, """{"open":[],"high":[],"low":[],"close":[],"volume":[]}""")]
    [InlineData("[]", """{"open":[],"high":[],"low":[],"close":[],"volume":[]}""")]
    public void Parse_NoTimestampAndEmptyQuote_OkWithNoBars(string timestamp, string quote)
    {
        var json = new ChartJson { Timestamp = timestamp, Quote = quote, AdjCloseBlock = "{}" };

        var result = json.Parse();

        Assert.Null(result.Error);
        Assert.Empty(result.Bars);
        Assert.Empty(result.DroppedRows);
        Assert.Equal("USD", result.Metadata?.Currency);
    }

    [Fact]
    public void Parse_NoTimestampNoAdjCloseKeyAtAll_OkWithNoBars()
    {
        // The 1m weekend recording: no timestamp, quote [{}], and no adjclose key.
        var json = new ChartJson(granularity: "1m") { Timestamp = ChartJson.Absent, Quote = "{}", WithAdjClose = false };

        var result = json.Parse("1m");

        Assert.Null(result.Error);
        Assert.Empty(result.Bars);
    }

    [Theory]
    [InlineData(ChartJson.Absent)]
    [InlineData("null")]
    public void Parse_NoTimestampButQuoteHoldsValues_Malformed(string timestamp)
    {
        var json = new ChartJson { Timestamp = timestamp, Quote = """{"open":[1],"high":[1],"low":[1],"close":[1],"volume":[1]}""" };

        var result = json.Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("timestamp is absent", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyTimestampButQuoteHoldsValues_Malformed()
    {
        var json = new ChartJson { Timestamp = "[]", Quote = """{"open":[1],"high":[1],"low":[1],"close":[1]}""" };

        Assert.Equal(FetchErrorCategory.Malformed, json.Parse().Error?.Category);
    }

    [Fact]
    public void Parse_TimestampsButQuoteEmptyObject_EveryRowAllNull()
    {
        var json = new ChartJson { Timestamp = $"[{T0},{T0 + Day}]", Quote = "{}", AdjCloseBlock = "{}" };

        var result = json.Parse();

        Assert.Null(result.Error);
        Assert.Empty(result.Bars);
        Assert.Equal([new DroppedRow(0, T0, DropReasons.AllNull), new DroppedRow(1, T0 + Day, DropReasons.AllNull)], result.DroppedRows);
    }

    [Fact]
    public void Parse_OnePriceArrayMissing_RowsPartialNull()
    {
        var json = new ChartJson { Timestamp = $"[{T0}]", Quote = """{"open":[1],"high":[1],"close":[1],"volume":[1]}""", WithAdjClose = false };

        var result = json.Parse();

        Assert.Equal([new DroppedRow(0, T0, DropReasons.PartialNull)], result.DroppedRows);
    }

    [Theory]
    [InlineData("\"1598880600\"")]
    [InlineData("[1598880600.5]")]
    [InlineData("[null]")]
    [InlineData("[\"1598880600\"]")]
    [InlineData("[1e300]")]
    public void Parse_TimestampNotEpochSeconds_Malformed(string timestamp)
    {
        var json = new ChartJson { Timestamp = timestamp, Quote = """{"open":[1],"high":[1],"low":[1],"close":[1]}""", WithAdjClose = false };

        var result = json.Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("timestamp", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TimestampWrittenAsWholeFloat_Accepted()
    {
        var json = new ChartJson { Timestamp = "[1598880600.0]", Quote = """{"open":[1],"high":[1],"low":[1],"close":[1]}""", WithAdjClose = false };

        var result = json.Parse();

        Assert.Equal(1598880600, Assert.Single(result.Bars).Timestamp.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("true")]
    public void Parse_PriceCellOfWrongJsonType_Malformed(string cell)
    {
        var result = new ChartJson().RawRow(T0, cell, "1", "1", "1").Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("open[0]", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"chart":{"result":[],"error":null}}""")]
    [InlineData("""{"chart":{"result":null,"error":null}}""")]
    [InlineData("""{"chart":{"error":null}}""")]
    [InlineData("""{"chart":{"result":[null],"error":null}}""")]
    [InlineData("""{}""")]
    [InlineData("""[]""")]
    [InlineData("""42""")]
    [InlineData("""{"chart":"nothing"}""")]
    public void Parse_NoResultAndNoError_Malformed(string body)
    {
        var result = Parse(body, 200);

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
    }

    [Fact]
    public void Parse_UnknownFieldsAtEveryLevel_Ignored()
    {
        var plain = new ChartJson().Bar(T0, 1).Bar(T0 + Day, 2);
        var noisy = new ChartJson
        {
            Extra = "\"newKey\":{\"nested\":[1,{\"x\":null}],\"s\":\"NaN\"},\"alsoNew\":[1,2,3,4,5,6,7],\"flag\":true,\"n\":null",
            Events = """{"earnings":{"1":{"date":1}},"dividends":{},"newEvent":[1]}""",
        }.Bar(T0, 1).Bar(T0 + Day, 2);
        noisy.Meta("tradingPeriods", """{"pre":[[{"start":1}]],"regular":[[]],"post":[]}""").Meta("hasNewThing", "[true]");

        var expected = plain.Parse();
        var actual = noisy.Parse();

        Assert.Null(actual.Error);
        Assert.Equal(expected.Bars, actual.Bars);
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Empty(actual.Dividends);
        Assert.Empty(actual.DroppedRows);
    }

    [Fact]
    public void Parse_QuoteKeysInAnyOrder_SameBars()
    {
        var json = new ChartJson
        {
            Timestamp = $"[{T0}]",
            Quote = """{"volume":[5],"close":[4],"low":[1],"open":[2],"high":[6]}""",
            AdjCloseBlock = """{"adjclose":[3.5]}""",
        };

        var bar = Assert.Single(json.Parse().Bars);

        Assert.Equal((2.0, 6.0, 1.0, 4.0, 3.5, 5L), (bar.Open, bar.High, bar.Low, bar.Close, bar.AdjClose, bar.Volume));
    }

    [Fact]
    public void Parse_MetaAfterIndicators_TimeZoneStillApplied()
    {
        var body = $$$"""
            {"chart":{"error":null,"result":[{"indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1],"volume":[1]}]},
            "timestamp":[{{{ChartJson.Epoch("2024-01-03T15:30:00Z")}}}],
            "meta":{"symbol":"7203.T","currency":"JPY","exchangeTimezoneName":"Asia/Tokyo","dataGranularity":"1d"}}]}}
            """;

        var result = Parse(body, 200, symbol: null);

        Assert.Equal("7203.T", result.Symbol);
        Assert.Equal(new DateOnly(2024, 1, 4), Assert.Single(result.Bars).TradeDate);
    }

    [Fact]
    public void Parse_IntervalNotGiven_TakenFromDataGranularity()
    {
        var start = ChartJson.Epoch("2024-10-02T13:30:00Z");
        var body = new ChartJson(granularity: "5m") { WithAdjClose = false }.Bar(start).Bar(start + 100).ToBytes();

        var result = ChartParser.Parse(body, new ChartResponseInfo(200));

        Assert.Equal("5m", result.Interval.Token);
        Assert.Equal([DropReasons.LivePartialInterval], result.DroppedRows.Select(d => d.Reason));
        Assert.Equal("TEST", result.Symbol);
    }
}
