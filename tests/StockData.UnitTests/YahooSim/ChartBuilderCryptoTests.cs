using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StockData.TestSupport;
using StockData.YahooSim.Chart;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Market;

namespace StockData.UnitTests.YahooSim;

/// <summary>The seven-day crypto calendar (CCC, UTC) against the recorded BTC-USD response.</summary>
public sealed class ChartBuilderCryptoTests
{
    /// <summary>Sunday 2026-11-22 at 12:00 UTC: a crypto day half traded, every other market shut.</summary>
    private static readonly DateTimeOffset SundayNoon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static JsonElement Result(string symbol, string query, DateTimeOffset now)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new SimulatorOptions { NullRows = 0, LiveBar = false });
        var sut = new ChartBuilder(new HistoryCache(options), new FaultInjector(options), options);
        var values = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => new StringValues(p[1]));
        var parsed = ChartQuery.Parse(symbol, new QueryCollection(values), out var error);
        Assert.Null(error);
        var body = sut.Build(parsed!, now, new RequestDraw(1));
        Assert.Equal(200, body.Status);
        using var document = JsonDocument.Parse(body.Bytes);
        return document.RootElement.GetProperty("chart").GetProperty("result")[0].Clone();
    }

    private static List<DateTimeOffset> Stamps(JsonElement result) =>
        [.. result.GetProperty("timestamp").EnumerateArray().Select(t => DateTimeOffset.FromUnixTimeSeconds(t.GetInt64()))];

    [Fact]
    public void Daily_TenYears_EveryCalendarDayAtUtcMidnight_WeekendsAndHolidaysIncluded()
    {
        var crypto = Stamps(Result("ETH-USD", "range=10y&interval=1d", SundayNoon));
        var equity = Stamps(Result("AAPL", "range=10y&interval=1d", SundayNoon));

        Assert.All(crypto, t => Assert.Equal(TimeSpan.Zero, t.TimeOfDay));
        // One bar per calendar day from the first to yesterday (today's is still forming and hidden): no day skipped.
        Assert.Equal(SundayNoon.Date.AddDays(-1), crypto[^1].UtcDateTime);
        Assert.Equal((crypto[^1] - crypto[0]).Days + 1, crypto.Count);
        Assert.Contains(crypto, t => t.DayOfWeek == DayOfWeek.Saturday);
        Assert.Contains(crypto, t => t.Month == 12 && t.Day == 25);
        Assert.Contains(crypto, t => t.Month == 1 && t.Day == 1);
        // A New York equity over the same years: weekdays less holidays, about 252 of every 365 days.
        var equityDays = equity.Select(t => DateOnly.FromDateTime(t.UtcDateTime)).Where(d => d >= DateOnly.FromDateTime(crypto[0].UtcDateTime)).ToList();
        Assert.DoesNotContain(equityDays, d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.InRange((double)crypto.Count / equityDays.Count, 1.40, 1.46);
    }

    [Fact]
    public void Meta_AsTheRecordedBtcUsdResponse()
    {
        using var recorded = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.YahooFixtures, "btc-usd-1d-2020-01-01_03-crypto-utc.json")));
        var expected = recorded.RootElement.GetProperty("chart").GetProperty("result")[0].GetProperty("meta");

        var meta = Result("BTC-USD", "range=5d&interval=1d", SundayNoon).GetProperty("meta");

        foreach (var name in new[] { "currency", "symbol", "exchangeName", "fullExchangeName", "instrumentType", "timezone", "exchangeTimezoneName", "longName", "shortName" })
        {
            Assert.Equal(expected.GetProperty(name).GetString(), meta.GetProperty(name).GetString());
        }

        Assert.Equal(expected.GetProperty("gmtoffset").GetInt32(), meta.GetProperty("gmtoffset").GetInt32());
        Assert.Equal(expected.GetProperty("hasPrePostMarketData").GetBoolean(), meta.GetProperty("hasPrePostMarketData").GetBoolean());
        // Today's periods: pre empty at midnight, regular to 23:59, post empty at 23:59, as recorded.
        Assert.Equal(Shape(expected.GetProperty("currentTradingPeriod")), Shape(meta.GetProperty("currentTradingPeriod")));
        Assert.Equal(SundayNoon.Date, DateTimeOffset.FromUnixTimeSeconds(meta.GetProperty("currentTradingPeriod").GetProperty("regular").GetProperty("start").GetInt64()).UtcDateTime);
    }

    [Fact]
    public void Intraday_AroundTheClockOnAWeekend_OnePeriodPerCalendarDay()
    {
        var result = Result("BTC-USD", "period1=1794614400&period2=1794787200&interval=1h", SundayNoon);

        // Saturday and Sunday 2026-11-14/15: 48 hourly bars, nothing skipped.
        var stamps = Stamps(result);
        Assert.Equal(Enumerable.Range(0, 48).Select(h => new DateTimeOffset(2026, 11, 14, 0, 0, 0, TimeSpan.Zero).AddHours(h)), stamps);
        var periods = result.GetProperty("meta").GetProperty("tradingPeriods").EnumerateArray().Select(day => day[0]).ToList();
        Assert.Equal(2, periods.Count);
        Assert.All(periods, p => Assert.Equal(86_340, p.GetProperty("end").GetInt64() - p.GetProperty("start").GetInt64()));
    }

    /// <summary>Each period's start and end relative to the regular start, and its zone.</summary>
    private static List<(string, string?, long, long, int)> Shape(JsonElement periods)
    {
        var origin = periods.GetProperty("regular").GetProperty("start").GetInt64();
        return [.. new[] { "pre", "regular", "post" }.Select(name =>
        {
            var p = periods.GetProperty(name);
            return (name, p.GetProperty("timezone").GetString(), p.GetProperty("start").GetInt64() - origin,
                p.GetProperty("end").GetInt64() - origin, p.GetProperty("gmtoffset").GetInt32());
        })];
    }
}
