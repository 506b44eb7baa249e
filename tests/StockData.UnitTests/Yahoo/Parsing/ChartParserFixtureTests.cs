using StockData.Core;
using StockData.TestSupport;
using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>
/// Every recorded response in <see cref="RepoPaths.YahooFixtures"/> parses to the outcome its README documents.
/// Status, interval and period2 are the ones the README gives for the recording.
/// </summary>
public sealed class ChartParserFixtureTests
{
    /// <summary>Each fixture file and the test that covers it; a new file without a test fails the enumeration test.</summary>
    private static readonly string[] Covered =
    [
        "aapl-1d-2020-08-31_2020-11-06-split-4to1-dividend.json",
        "aapl-1d-range-6mo-trailing-live-bar.json",
        "aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json",
        "beke-400-bad-request-before-listing.json",
        "btc-usd-1d-2020-01-01_03-crypto-utc.json",
        "eurusd-x-1d-2020-01-01_03-currency.json",
        "msft-1d-2021-02_2022-01-dividends.json",
        "ocdo-l-1d-2020-01-02-gbp-pence.json",
        "si-404-not-found.json",
        "tsla-30m-2021-11-22-prepost.json",
        "vfinx-3mo-range-max-since-1985-mutualfund.json",
        "vxapl-index-1d-empty-no-timestamp.json",
    ];

    [Fact]
    public void FixtureFolder_EveryFileHasATest()
    {
        var files = Directory.EnumerateFiles(RepoPaths.YahooFixtures, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(files);
        Assert.Equal(Covered.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void AaplSplitDividend_Daily_49BarsSplitAndDividendLocalDatesAcrossDst()
    {
        var result = Parse("aapl-1d-2020-08-31_2020-11-06-split-4to1-dividend.json", 200, "1d");

        AssertOk(result, "AAPL", "1d");
        Assert.Equal(49, result.Bars.Count);
        AssertBar(result.Bars[0], "2020-08-31T13:30:00Z", "2020-08-31", 127.58000183105469, 131, 126, 129.0399932861328,
            125.82673645019531, 225702700);
        AssertBar(result.Bars[^1], "2020-11-06T14:30:00Z", "2020-11-06", 118.31999969482422, 119.19999694824219,
            116.12999725341797, 118.69000244140625, 115.93415069580078, 114457900);
        // The open moves from 13:30Z (EDT) to 14:30Z (EST) on 2020-11-02 and every bar keeps its own date, although
        // meta.gmtoffset says -18000 (EST at recording time) for all of them (R1).
        Assert.All(result.Bars, bar => Assert.Equal(DateOnly.FromDateTime(bar.Timestamp.UtcDateTime), bar.TradeDate));
        Assert.Contains(result.Bars, bar => bar.Timestamp.Hour == 13);
        Assert.Contains(result.Bars, bar => bar.Timestamp.Hour == 14);
        var split = Assert.Single(result.Splits);
        Assert.Equal(Utc("2020-08-31T13:30:00Z"), split.Timestamp);
        Assert.Equal(new DateOnly(2020, 8, 31), split.ExDate);
        Assert.Equal((4.0, 1.0, 4.0), (split.Numerator, split.Denominator, split.Ratio));
        var dividend = Assert.Single(result.Dividends);
        Assert.Equal(new DateOnly(2020, 11, 6), dividend.ExDate);
        Assert.Equal(0.205, dividend.Amount);
        Assert.Empty(result.CapitalGains);
        Assert.Empty(result.DroppedRows);
        var meta = result.Metadata!;
        Assert.Equal(("USD", "EQUITY", "NMS", "America/New_York"), (meta.Currency, meta.InstrumentType, meta.ExchangeName, meta.ExchangeTimezone));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(345479400), meta.FirstTradeDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739998801), meta.RegularMarketTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1740085200), meta.RegularSessionEnd);
    }

    [Fact]
    public void AaplSixMonths_TrailingLiveBarAloneOnItsDate_Kept()
    {
        var result = Parse("aapl-1d-range-6mo-trailing-live-bar.json", 200, "1d");

        AssertOk(result, "AAPL", "1d");
        Assert.Equal(127, result.Bars.Count);
        AssertBar(result.Bars[0], "2025-04-30T13:30:00Z", "2025-04-30", 209.3000030517578, 213.5800018310547, 206.6699981689453,
            212.5, 211.9811248779297, 52286500);
        // Stamped with the last trade time (20:00:01Z = regularMarketTime), not the open, and alone on 2025-10-29 (R7).
        AssertBar(result.Bars[^1], "2025-10-29T20:00:01Z", "2025-10-29", 269.2749938964844, 271.4100036621094, 267.1099853515625,
            269.70001220703125, 269.70001220703125, 43332154);
        Assert.Equal(Utc("2025-10-28T13:30:00Z"), result.Bars[^2].Timestamp);
        Assert.Equal([0.26, 0.26], result.Dividends.Select(d => d.Amount));
        Assert.Equal([new DateOnly(2025, 5, 12), new DateOnly(2025, 8, 11)], result.Dividends.Select(d => d.ExDate));
        Assert.Empty(result.DroppedRows);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1761768000), result.Metadata!.RegularSessionEnd);
    }

    [Fact]
    public void AaplOneMinute_WithPeriod2_DropsAllNullRowAndBarAfterPeriod2()
    {
        var result = Parse("aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json", 200, "1m", period2: 1727913600);

        AssertOk(result, "AAPL", "1m");
        Assert.Equal(389, result.Bars.Count);
        AssertBar(result.Bars[0], "2024-10-02T13:30:00Z", "2024-10-02", 225.88999938964844, 226.11000061035156, 225.4199981689453,
            225.6999969482422, null, 1205461);
        AssertBar(result.Bars[^1], "2024-10-02T19:59:00Z", "2024-10-02", 226.86000061035156, 226.96009826660156, 226.69009399414062,
            226.80999755859375, null, 546314);
        Assert.Equal(
            [new DroppedRow(105, 1727882100, DropReasons.AllNull), new DroppedRow(390, 1727985600, DropReasons.AfterPeriod2)],
            result.DroppedRows);
        Assert.All(result.Bars, bar => Assert.Null(bar.AdjClose));
        Assert.Empty(result.Dividends);
    }

    [Fact]
    public void AaplOneMinute_WithoutPeriod2_KeepsTheLatestPriceBar()
    {
        // Without period2 nothing marks the 2024-10-03T20:00Z row as out of range, and it is a whole day after the
        // row before it, so it is no live partial either (R8).
        var result = Parse("aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json", 200, "1m");

        Assert.Equal(390, result.Bars.Count);
        AssertBar(result.Bars[^1], "2024-10-03T20:00:00Z", "2024-10-03", 225.6699981689453, 225.6699981689453, 225.6699981689453,
            225.6699981689453, null, 0);
        Assert.Equal([new DroppedRow(105, 1727882100, DropReasons.AllNull)], result.DroppedRows);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(200)]
    public void BekeBadRequest_AnyStatus_BadRequestWithDescription(int status)
    {
        var result = Parse("beke-400-bad-request-before-listing.json", status, "1d", symbol: "BEKE");

        AssertFailed(result, FetchErrorCategory.BadRequest);
        Assert.Contains("Data doesn't exist for startDate = 1577836800", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("BEKE", result.Symbol);
    }

    [Fact]
    public void BtcUsd_Crypto_UtcMidnightBarsAndInt64Volume()
    {
        var result = Parse("btc-usd-1d-2020-01-01_03-crypto-utc.json", 200, "1d");

        AssertOk(result, "BTC-USD", "1d");
        Assert.Equal(3, result.Bars.Count);
        AssertBar(result.Bars[0], "2020-01-01T00:00:00Z", "2020-01-01", 7194.89208984375, 7254.33056640625, 7174.9443359375,
            7200.17431640625, 7200.17431640625, 18565664997);
        AssertBar(result.Bars[^1], "2020-01-03T00:00:00Z", "2020-01-03", 6984.4287109375, 7413.71533203125, 6914.99609375,
            7344.88427734375, 7344.88427734375, 28111481032);
        Assert.All(result.Bars, bar => Assert.True(bar.Volume > int.MaxValue));
        Assert.Equal(("CRYPTOCURRENCY", "UTC"), (result.Metadata!.InstrumentType, result.Metadata.ExchangeTimezone));
    }

    [Fact]
    public void EurUsd_Currency_ZeroVolumeKeptAsZero()
    {
        var result = Parse("eurusd-x-1d-2020-01-01_03-currency.json", 200, "1d");

        AssertOk(result, "EURUSD=X", "1d");
        Assert.Equal(3, result.Bars.Count);
        AssertBar(result.Bars[0], "2020-01-01T00:00:00Z", "2020-01-01", 1.1220825910568237, 1.1228384971618652, 1.115946888923645,
            1.1220825910568237, 1.1220825910568237, 0);
        AssertBar(result.Bars[^1], "2020-01-03T00:00:00Z", "2020-01-03", 1.1170812845230103, 1.118067979812622, 1.112569808959961,
            1.1171437501907349, 1.1171437501907349, 0);
        Assert.All(result.Bars, bar => Assert.Equal(0L, bar.Volume));
        Assert.Equal(("CURRENCY", "Europe/London"), (result.Metadata!.InstrumentType, result.Metadata.ExchangeTimezone));
    }

    [Fact]
    public void Msft_Year_252BarsFourDividendsDividendAdjustedClose()
    {
        var result = Parse("msft-1d-2021-02_2022-01-dividends.json", 200, "1d");

        AssertOk(result, "MSFT", "1d");
        Assert.Equal(252, result.Bars.Count);
        AssertBar(result.Bars[0], "2021-02-01T14:30:00Z", "2021-02-01", 235.05999755859375, 242.5, 232.42999267578125,
            239.64999389648438, 231.1864776611328, 33314200);
        AssertBar(result.Bars[^1], "2022-01-28T14:30:00Z", "2022-01-28", 300.2300109863281, 308.4800109863281, 294.45001220703125,
            308.260009765625, 299.8661193847656, 49743700);
        Assert.Equal([0.56, 0.56, 0.56, 0.62], result.Dividends.Select(d => d.Amount));
        Assert.Equal(Utc("2021-02-17T14:30:00Z"), result.Dividends[0].Timestamp);
        Assert.Equal(new DateOnly(2021, 2, 17), result.Dividends[0].ExDate);
        Assert.Equal(new DateOnly(2021, 11, 17), result.Dividends[^1].ExDate);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void OcadoLondon_GbpPence_CurrencyVerbatimPricesUnscaled()
    {
        var result = Parse("ocdo-l-1d-2020-01-02-gbp-pence.json", 200, "1d");

        AssertOk(result, "OCDO.L", "1d");
        var bar = Assert.Single(result.Bars);
        AssertBar(bar, "2020-01-02T08:00:00Z", "2020-01-02", 1279.5, 1286.5699462890625, 1258, 1259.5, 1259.5, 728520);
        Assert.Equal("GBp", result.Metadata!.Currency);
        Assert.Equal("Europe/London", result.Metadata.ExchangeTimezone);
        Assert.Equal(("GBP", 0.01), YahooCurrencyUnits.ToMajor(result.Metadata.Currency));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(200)]
    public void SiNotFound_AnyStatus_NotFound(int status)
    {
        var result = Parse("si-404-not-found.json", status, "1d", symbol: "SI");

        AssertFailed(result, FetchErrorCategory.NotFound);
        Assert.Contains("No data found, symbol may be delisted", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("SI", result.Symbol);
    }

    [Fact]
    public void Tsla30m_PrePost_AllThirtyBarsZeroVolumeKept()
    {
        var result = Parse("tsla-30m-2021-11-22-prepost.json", 200, "30m");

        AssertOk(result, "TSLA", "30m");
        Assert.Equal(30, result.Bars.Count);
        AssertBar(result.Bars[0], "2021-11-22T09:00:00Z", "2021-11-22", 1148.51, 1168.8, 1147, 1168.7, null, 0);
        AssertBar(result.Bars[^1], "2021-11-22T23:30:00Z", "2021-11-22", 1155.19, 1159, 1153.33, 1156.49, null, 0);
        Assert.Equal(17, result.Bars.Count(bar => bar.Volume == 0));
        Assert.Contains(result.Bars, bar => bar.Close == 1185.6600341796875);
        Assert.Empty(result.DroppedRows);
    }

    [Fact]
    public void Vfinx_QuarterlySince1985_EventsDatedByTheirOwnDateZeroLowKept()
    {
        var result = Parse("vfinx-3mo-range-max-since-1985-mutualfund.json", 200, "3mo");

        AssertOk(result, "VFINX", "3mo");
        Assert.Equal(164, result.Bars.Count);
        AssertBar(result.Bars[0], "1985-01-01T05:00:00Z", "1985-01-01", 19.309999465942383, 21.530000686645508, 19.110000610351562,
            21.110000610351562, 8.32298755645752, 0);
        AssertBar(result.Bars[^1], "2025-10-01T04:00:00Z", "2025-10-01", 619.52001953125, 636.4099731445312, 605.0700073242188,
            636.4099731445312, 636.4099731445312, 0);
        var zeroLow = Assert.Single(result.Bars, bar => bar.Low == 0);
        Assert.Equal((new DateOnly(2025, 4, 1), 519.79), (zeroLow.TradeDate, Math.Round(zeroLow.Open, 2)));

        Assert.Equal(164, result.Dividends.Count);
        Assert.Equal(21, result.CapitalGains.Count);
        // Keyed 473403600 (1985-01-01) but dated 330960600 (1980-06-27): the date field wins (R11).
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(330960600), result.Dividends[0].Timestamp);
        Assert.Equal((new DateOnly(1980, 6, 27), 0.16), (result.Dividends[0].ExDate, result.Dividends[0].Amount));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1759152600), result.Dividends[^1].Timestamp);
        Assert.Equal((new DateOnly(2025, 9, 29), 1.588), (result.Dividends[^1].ExDate, result.Dividends[^1].Amount));
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(567786600), 0.17), (result.CapitalGains[0].Timestamp, result.CapitalGains[0].Amount));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(945959400), result.CapitalGains[^1].Timestamp);
        Assert.Equal(0.54, result.CapitalGains[^1].Amount);
        Assert.True(result.Dividends.Zip(result.Dividends.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
        Assert.True(result.CapitalGains.Zip(result.CapitalGains.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
        Assert.Equal("MUTUALFUND", result.Metadata!.InstrumentType);
    }

    [Fact]
    public void VxaplIndex_NoTimestamp_OkWithNoBars()
    {
        var result = Parse("vxapl-index-1d-empty-no-timestamp.json", 200, "1d");

        AssertOk(result, "^VXAPL", "1d");
        Assert.Empty(result.Bars);
        Assert.Empty(result.DroppedRows);
        Assert.Empty(result.Dividends);
        Assert.Null(result.Metadata!.FirstTradeDate);
        Assert.Equal("INDEX", result.Metadata.InstrumentType);
    }

    internal static FetchResult Parse(string file, int status, string interval, long? period2 = null, string? symbol = null)
    {
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.YahooFixtures, file));
        return ChartParser.Parse(body, new ChartResponseInfo(status)
        {
            ContentType = "application/json;charset=utf-8",
            Symbol = symbol,
            Interval = BarInterval.Parse(interval),
            Period2 = period2,
        });
    }

    private static void AssertOk(FetchResult result, string symbol, string interval)
    {
        Assert.Null(result.Error);
        Assert.True(result.IsSuccess);
        Assert.Equal(symbol, result.Symbol);
        Assert.Equal(interval, result.Interval.Token);
        Assert.NotNull(result.Metadata);
    }

    private static void AssertFailed(FetchResult result, FetchErrorCategory category)
    {
        Assert.Equal(category, result.Error?.Category);
        Assert.Empty(result.Bars);
        Assert.Null(result.Metadata);
    }

    private static void AssertBar(Bar bar, string utc, string localDate, double open, double high, double low, double close,
        double? adjClose, long? volume)
    {
        Assert.Equal(Utc(utc), bar.Timestamp);
        Assert.Equal(TimeSpan.Zero, bar.Timestamp.Offset);
        Assert.Equal(DateOnly.Parse(localDate, System.Globalization.CultureInfo.InvariantCulture), bar.TradeDate);
        Assert.Equal((open, high, low, close), (bar.Open, bar.High, bar.Low, bar.Close));
        Assert.Equal(adjClose, bar.AdjClose);
        Assert.Equal(volume, bar.Volume);
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
