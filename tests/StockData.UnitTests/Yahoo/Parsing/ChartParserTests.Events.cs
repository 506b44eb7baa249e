namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>Events (R11), currency (R12) and the meta fields kept.</summary>
public sealed partial class ChartParserTests
{
    [Fact]
    public void Parse_EventKeyedDifferentlyFromItsDate_DatedByTheDateField()
    {
        var json = new ChartJson
        {
            Events = """{"dividends":{"473403600":{"amount":0.16,"date":330960600}},"capitalGains":{"560059200":{"amount":0.17,"date":567786600}}}""",
        }.Bar(T0);

        var result = json.Parse("3mo");

        var dividend = Assert.Single(result.Dividends);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(330960600), dividend.Timestamp);
        Assert.Equal((new DateOnly(1980, 6, 27), 0.16), (dividend.ExDate, dividend.Amount));
        var gain = Assert.Single(result.CapitalGains);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(567786600), gain.Timestamp);
        Assert.Equal((new DateOnly(1987, 12, 29), 0.17), (gain.ExDate, gain.Amount));
    }

    [Fact]
    public void Parse_EventExDate_IsTheExchangeLocalDate()
    {
        // 2024-03-12T01:00Z is the evening of the 11th in New York.
        var date = ChartJson.Epoch("2024-03-12T01:00:00Z");
        var json = new ChartJson { Events = "{\"dividends\":{\"" + (date + 999) + "\":{\"amount\":0.5,\"date\":" + date + "}}}" }.Bar(T0);

        var dividend = Assert.Single(json.Parse().Dividends);

        Assert.Equal(new DateOnly(2024, 3, 11), dividend.ExDate);
        Assert.Equal(date, dividend.Timestamp.ToUnixTimeSeconds());
    }

    [Fact]
    public void Parse_SplitNumbersAsIntsFloatsOrStrings_RatioFromNumeratorOverDenominator()
    {
        var json = new ChartJson
        {
            Events = """
                {"splits":{
                  "1598880600":{"date":1598880600,"numerator":4,"denominator":1,"splitRatio":"4:1"},
                  "1718631000":{"date":1718631000,"numerator":10.0,"denominator":1.0,"splitRatio":"10:1"},
                  "1656336600":{"date":1656336600,"numerator":"3","denominator":"2","splitRatio":"3:2"},
                  "1689600000":{"date":1689600000,"numerator":1,"denominator":8,"splitRatio":"1:8"}}}
                """,
        }.Bar(T0);

        var result = json.Parse();

        Assert.Equal([1598880600L, 1656336600, 1689600000, 1718631000], result.Splits.Select(s => s.Timestamp.ToUnixTimeSeconds()));
        Assert.Equal([(4.0, 1.0), (3, 2), (1, 8), (10, 1)], result.Splits.Select(s => (s.Numerator, s.Denominator)));
        Assert.Equal([4.0, 1.5, 0.125, 10], result.Splits.Select(s => s.Ratio));
        Assert.Equal(new DateOnly(2020, 8, 31), result.Splits[0].ExDate);
    }

    [Fact]
    public void Parse_EventsOutOfOrder_ListedSortedByDate()
    {
        var json = new ChartJson
        {
            Events = """{"dividends":{"3":{"amount":3,"date":1700000000},"1":{"amount":1,"date":1500000000},"2":{"amount":2,"date":1600000000}}}""",
        }.Bar(T0);

        Assert.Equal([1.0, 2, 3], json.Parse().Dividends.Select(d => d.Amount));
    }

    [Fact]
    public void Parse_UnknownEventTypesAndFields_Ignored()
    {
        var json = new ChartJson
        {
            Events = """{"earnings":{"1600000000":{"date":1600000000,"eps":1.2}},"dividends":{"1600000000":{"amount":0.1,"date":1600000000,"currency":"USD","extra":[1]}},"splits":null}""",
        }.Bar(T0);

        var result = json.Parse();

        var dividend = Assert.Single(result.Dividends);
        Assert.Equal(0.1, dividend.Amount);
        Assert.Empty(result.Splits);
        Assert.Empty(result.CapitalGains);
    }

    [Fact]
    public void Parse_EventWithoutDate_FallsBackToItsKey()
    {
        var json = new ChartJson { Events = """{"dividends":{"1600000000":{"amount":0.1}}}""" }.Bar(T0);

        Assert.Equal(1600000000, Assert.Single(json.Parse().Dividends).Timestamp.ToUnixTimeSeconds());
    }

    [Fact]
    public void Parse_EventsWithoutUsableValues_LeftOut()
    {
        var json = new ChartJson
        {
            Events = """{"dividends":{"1":{"date":1600000000},"2":{"amount":"NaN","date":1600000000},"3":{"amount":0.2,"date":1600000001}},"splits":{"4":{"date":1,"numerator":4,"denominator":0},"5":{"date":2,"numerator":null,"denominator":1}}}""",
        }.Bar(T0);

        var result = json.Parse();

        Assert.Equal(0.2, Assert.Single(result.Dividends).Amount);
        Assert.Empty(result.Splits);
    }

    [Fact]
    public void Parse_EventsWithoutBars_StillReturned()
    {
        var json = new ChartJson { Timestamp = ChartJson.Absent, Quote = "{}", Events = """{"dividends":{"1":{"amount":0.3,"date":1600000000}}}""" };

        var result = json.Parse();

        Assert.Null(result.Error);
        Assert.Empty(result.Bars);
        Assert.Equal(0.3, Assert.Single(result.Dividends).Amount);
    }

    [Theory]
    [InlineData("GBp")]
    [InlineData("ZAc")]
    [InlineData("ILA")]
    [InlineData("usd")]
    [InlineData("GBP")]
    public void Parse_Currency_CopiedVerbatimAndCaseSensitive(string currency)
    {
        var result = new ChartJson().Meta("currency", ChartJson.Str(currency)).Row(T0, 1279.5, 1286.57, 1258, 1259.5).Parse();

        Assert.Equal(currency, result.Metadata!.Currency);
        Assert.Equal(1259.5, Assert.Single(result.Bars).Close);
    }

    [Fact]
    public void Parse_CurrencyNull_MetadataCurrencyNull()
    {
        var result = new ChartJson().Meta("currency", "null").Bar(T0).Parse();

        Assert.Null(result.Metadata!.Currency);
        Assert.Single(result.Bars);
    }

    [Fact]
    public void Parse_Meta_KeptFieldsFilledSymbolFromRequestWins()
    {
        var json = new ChartJson().Meta("symbol", ChartJson.Str("META-SYMBOL")).Meta("firstTradeDate", "null").Bar(T0);

        var result = json.Parse();

        Assert.Equal("TEST", result.Symbol);
        var meta = result.Metadata!;
        Assert.Equal(("USD", "EQUITY", "NMS", "America/New_York"), (meta.Currency, meta.InstrumentType, meta.ExchangeName, meta.ExchangeTimezone));
        Assert.Null(meta.FirstTradeDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1727985601), meta.RegularMarketTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1728072000), meta.RegularSessionEnd);
    }

    [Fact]
    public void Parse_MetaFieldsOfWrongType_ReadAsMissing()
    {
        var json = new ChartJson()
            .Meta("currency", "42")
            .Meta("instrumentType", "{\"a\":1}")
            .Meta("regularMarketTime", "\"soon\"")
            .Meta("currentTradingPeriod", "[]")
            .Bar(T0);

        var result = json.Parse();

        Assert.Null(result.Error);
        Assert.Null(result.Metadata!.Currency);
        Assert.Null(result.Metadata.InstrumentType);
        Assert.Null(result.Metadata.RegularMarketTime);
        Assert.Null(result.Metadata.RegularSessionEnd);
    }
}
