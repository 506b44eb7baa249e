using StockData.Core;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>Timestamps and exchange-local dates (R1).</summary>
public sealed partial class ChartParserTests
{
    [Fact]
    public void Parse_NegativeEpochs_BarsBefore1970KeptWithLocalDates()
    {
        // ^GSPC's first bar, 1927-12-30, at -1325583000.
        var json = new ChartJson().Meta("firstTradeDate", "-1325583000").Bar(-1325583000, 17.66).Bar(-1325583000 + (3 * Day), 17.76);

        var result = json.Parse();

        Assert.Equal(DateTimeOffset.Parse("1927-12-30T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), result.Bars[0].Timestamp);
        Assert.Equal(new DateOnly(1927, 12, 30), result.Bars[0].TradeDate);
        Assert.Equal(new DateOnly(1928, 1, 2), result.Bars[1].TradeDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(-1325583000), result.Metadata!.FirstTradeDate);
    }

    [Fact]
    public void Parse_NegativeEpochJustBeforeMidnightUtc_FloorsToThePreviousDay()
    {
        var result = new ChartJson("UTC").Bar(-1).Parse();

        Assert.Equal(new DateOnly(1969, 12, 31), Assert.Single(result.Bars).TradeDate);
    }

    [Fact]
    public void Parse_BarTimesAcrossDst_LocalDateFromZoneNotFromGmtOffset()
    {
        // meta says gmtoffset -18000 (EST), but on 2020-09-01 New York is on EDT: 04:30Z is 00:30 local on the 1st, while
        // the request-time offset would put it at 23:30 on the 31st.
        var json = new ChartJson().Meta("gmtoffset", "-18000").Meta("timezone", "\"EST\"")
            .Bar(ChartJson.Epoch("2020-09-01T04:30:00Z"))
            .Bar(ChartJson.Epoch("2020-11-03T04:30:00Z"));

        var result = json.Parse();

        Assert.Equal([new DateOnly(2020, 9, 1), new DateOnly(2020, 11, 2)], result.Bars.Select(b => b.TradeDate));
    }

    [Theory]
    [InlineData("Asia/Tokyo", "2024-01-03T15:30:00Z", "2024-01-04")]
    [InlineData("Asia/Jakarta", "2024-01-03T02:00:00Z", "2024-01-03")]
    [InlineData("Europe/Berlin", "2024-07-01T22:30:00Z", "2024-07-02")]
    [InlineData("Europe/London", "2024-03-31T23:30:00Z", "2024-04-01")]
    [InlineData("America/Sao_Paulo", "2024-01-03T02:00:00Z", "2024-01-02")]
    [InlineData("UTC", "2024-01-03T23:59:59Z", "2024-01-03")]
    public void Parse_ExchangeZones_LocalDateOfEachBar(string zone, string utc, string localDate)
    {
        var result = new ChartJson(zone).Bar(ChartJson.Epoch(utc)).Parse();

        Assert.Equal(DateOnly.Parse(localDate, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(result.Bars).TradeDate);
        Assert.Equal(zone, result.Metadata!.ExchangeTimezone);
    }

    [Fact]
    public void Parse_IntradayAcrossDstChange_EachBarItsOwnLocalDate()
    {
        // New York leaves EDT at 06:00Z on 2024-11-03: 03:30Z is 23:30 on the 2nd, 05:30Z is 01:30 EDT on the 3rd,
        // 06:30Z is 01:30 EST on the 3rd, and 04:59Z on the 4th is 23:59 EST on the 3rd.
        var times = new[] { "2024-11-03T03:30:00Z", "2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z", "2024-11-04T04:59:00Z", "2024-11-04T05:00:00Z" };
        var json = new ChartJson(granularity: "1m") { WithAdjClose = false };
        foreach (var time in times)
        {
            json.Bar(ChartJson.Epoch(time));
        }

        var result = json.Parse("1m");

        Assert.Equal(
            [new DateOnly(2024, 11, 2), new DateOnly(2024, 11, 3), new DateOnly(2024, 11, 3), new DateOnly(2024, 11, 3), new DateOnly(2024, 11, 4)],
            result.Bars.Select(b => b.TradeDate));
    }

    [Fact]
    public void Parse_UnknownTimeZoneWithRows_Malformed()
    {
        var result = new ChartJson("Mars/Olympus_Mons").Bar(T0).Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("Mars/Olympus_Mons", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingTimeZoneWithRows_Malformed()
    {
        var result = new ChartJson().WithoutMeta("exchangeTimezoneName").Bar(T0).Parse();

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("exchangeTimezoneName", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingTimeZoneWithoutRows_Ok()
    {
        var json = new ChartJson { Timestamp = ChartJson.Absent, Quote = "{}" }.WithoutMeta("exchangeTimezoneName");

        var result = json.Parse();

        Assert.Null(result.Error);
        Assert.Null(result.Metadata!.ExchangeTimezone);
    }
}
