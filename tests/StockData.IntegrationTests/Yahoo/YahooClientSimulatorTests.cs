using System.Net;
using Microsoft.Extensions.Time.Testing;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>The real client over real HTTP against one clean simulator process with a fixed clock.</summary>
[Collection(ProcessCollection.Name)]
public sealed class YahooClientSimulatorTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly DateTimeOffset Now = SimulatorFixture.Now;

    private SimulatorProcess Sim => fixture.Simulator;

    [Fact]
    public async Task GetChart_DailyPeriod_ReturnsStatusContentTypeAndYahooShapedBody()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var request = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, Now.AddDays(-60), Now.AddDays(1));

        using var response = await host.Client.GetChartAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json;charset=utf-8", response.ContentType);
        Assert.Null(response.RetryAfter);
        Assert.Equal(Sim.BaseUrl.Port, response.RequestUri.Port);
        var chart = ChartJson.Parse(response.Body);
        Assert.Equal("AAPL", chart.MetaString("symbol"));
        Assert.Equal("USD", chart.MetaString("currency"));
        Assert.Equal("EQUITY", chart.MetaString("instrumentType"));
        Assert.Equal("America/New_York", chart.MetaString("exchangeTimezoneName"));
        Assert.Equal("EDT", chart.MetaString("timezone"));
        Assert.Equal(-14400, chart.Meta.GetProperty("gmtoffset").GetInt32());
        Assert.Equal("1d", chart.MetaString("dataGranularity"));
        Assert.Equal("", chart.MetaString("range"));
        Assert.Equal(2, chart.Meta.GetProperty("priceHint").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, chart.Meta.GetProperty("firstTradeDate").ValueKind);
        Assert.Equal(11, chart.Meta.GetProperty("validRanges").GetArrayLength());
        Assert.InRange(chart.Timestamps.Length, 38, 44);
        Assert.All(chart.AdjClose, a => Assert.NotNull(a));

        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = chart.Timestamps.Select(t => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(t), newYork)).ToList();
        Assert.DoesNotContain(local, d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.All(local.SkipLast(1), d => Assert.Equal(new TimeSpan(9, 30, 0), d.TimeOfDay));
        // Today's bar after the close carries the last trade time, as Yahoo's does (fixture: 20:00:01Z).
        Assert.Equal(new DateTimeOffset(2025, 10, 29, 20, 0, 1, TimeSpan.Zero).ToUnixTimeSeconds(), chart.Timestamps[^1]);
        Assert.Equal(chart.Timestamps[^1], chart.Meta.GetProperty("regularMarketTime").GetInt64());
        for (var i = 0; i < chart.Timestamps.Length; i++)
        {
            Assert.True(chart.Low[i] <= Math.Min(chart.Open[i]!.Value, chart.Close[i]!.Value), $"low at {i}");
            Assert.True(chart.High[i] >= Math.Max(chart.Open[i]!.Value, chart.Close[i]!.Value), $"high at {i}");
            Assert.True(chart.Volume[i] > 0);
        }
    }

    [Fact]
    public async Task GetChart_UnknownZzSymbol_YahooNotFoundBodyVerbatim()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);

        using var response = await host.Client.GetChartAsync(YahooChartRequest.ForRange("ZZTOP", BarInterval.Daily, "1mo"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var recorded = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.YahooFixtures, "si-404-not-found.json"));
        Assert.Equal(recorded, response.Body.ToArray());
    }

    [Fact]
    public async Task GetChart_SymbolsNeedingEncoding_EachArrivesAsExactlyOneSegment()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var expected = new Dictionary<string, string>
        {
            ["^GSPC"] = "/v8/finance/chart/%5EGSPC",
            ["M&M.NS"] = "/v8/finance/chart/M%26M.NS",
            ["BRK-B"] = "/v8/finance/chart/BRK-B",
            ["0700.HK"] = "/v8/finance/chart/0700.HK",
            ["EURUSD=X"] = "/v8/finance/chart/EURUSD=X",
        };

        foreach (var symbol in expected.Keys)
        {
            using var response = await host.Client.GetChartAsync(YahooChartRequest.ForRange(symbol, BarInterval.Daily, "5d"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(symbol, ChartJson.Parse(response.Body).MetaString("symbol"));
        }

        var paths = await Sim.PathsAsync();
        foreach (var path in expected.Values)
        {
            Assert.Contains(path, paths);
        }

        Assert.All(paths, p =>
        {
            Assert.StartsWith("/v8/finance/chart/", p, StringComparison.Ordinal);
            Assert.Equal(4, p.Split('/', StringSplitOptions.RemoveEmptyEntries).Length);
        });
    }

    [Theory]
    [InlineData("../../v7/finance/download/AAPL")]
    [InlineData("..")]
    [InlineData("AAPL%2F..%2Fsim%2Freset")]
    [InlineData("AAPL/../../sim/reset")]
    [InlineData("AAPL?interval=1m")]
    [InlineData("AAPL#x")]
    [InlineData("evil.example@AAPL")]
    [InlineData("AAPL\r\nX-Injected: 1")]
    [InlineData("\u0391APL")]
    [InlineData("AAPL\u2215sim")]
    public async Task GetChart_HostileSymbol_RejectedBeforeAnyRequestReachesTheServer(string symbol)
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var before = (await Sim.StatsAsync()).GetProperty("total_requests").GetInt64();

        var ex = Assert.Throws<InvalidYahooSymbolException>(() => YahooChartRequest.ForRange(symbol, BarInterval.Daily, "1mo"));

        Assert.Equal(symbol, ex.Symbol);
        var stats = await Sim.StatsAsync();
        Assert.Equal(before, stats.GetProperty("total_requests").GetInt64());
        Assert.All(stats.GetProperty("paths").EnumerateObject(), p => Assert.Equal(4, p.Name.Split('/', StringSplitOptions.RemoveEmptyEntries).Length));
    }

    [Fact]
    public async Task Simulator_RawEncodedSlash_RecordedVerbatimAndAnswered404()
    {
        // Not through the client (it would refuse): what the simulator does with such a path when something sends it.
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Sim.BaseUrl, "/v8/finance/chart/AAPL%2F..%2Fx?range=1d&interval=1d"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Not Found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("/v8/finance/chart/AAPL%2F..%2Fx", await Sim.PathsAsync());
    }

    [Fact]
    public async Task GetChart_SameRequestTwice_SameBytes_OtherSymbolDiffers()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var request = YahooChartRequest.ForRange("MSFT", BarInterval.Daily, "10y");

        var first = await BytesAsync(host, request);
        var second = await BytesAsync(host, request);
        var other = await BytesAsync(host, YahooChartRequest.ForRange("MSFU", BarInterval.Daily, "10y"));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.True(ChartJson.Parse(first).Timestamps.Length > 2400);
    }

    [Fact]
    public async Task GetChart_FullHistory_SplitsBackAdjustedAndAdjCloseDividendAdjusted()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        ChartJson? withSplit = null;
        foreach (var symbol in new[] { "MSFT", "IBM", "NVDA", "AMZN", "GOOG", "TSLA", "META", "NFLX", "ORCL", "CSCO", "INTC", "ADBE", "CRM", "QCOM", "TXN" })
        {
            var chart = ChartJson.Parse(await BytesAsync(host, YahooChartRequest.ForRange(symbol, BarInterval.Daily, "max")));
            if (chart.Events("splits").Any())
            {
                withSplit = chart;
                break;
            }
        }

        Assert.NotNull(withSplit);
        foreach (var split in withSplit.Events("splits"))
        {
            var date = split.Value.GetProperty("date").GetInt64();
            var numerator = split.Value.GetProperty("numerator").GetInt32();
            var denominator = split.Value.GetProperty("denominator").GetInt32();
            Assert.Equal($"{numerator}:{denominator}", split.Value.GetProperty("splitRatio").GetString());
            Assert.Equal(date.ToString(System.Globalization.CultureInfo.InvariantCulture), split.Name);
            var i = withSplit.IndexOf(date);
            Assert.True(i > 0, "the split's ex-date is a bar");
            // Back-adjusted: no jump by the split ratio across the ex-date (a day's move stays well inside ±30%).
            var overnight = withSplit.Open[i]!.Value / withSplit.Close[i - 1]!.Value;
            Assert.InRange(overnight, 0.7, 1.3);
        }

        ChartJson? withDividends = null;
        foreach (var symbol in new[] { "AAPL", "GE", "JNJ", "PG", "KO", "PEP", "XOM", "CVX", "WMT", "HD" })
        {
            var chart = ChartJson.Parse(await BytesAsync(host, YahooChartRequest.ForRange(symbol, BarInterval.Daily, "5y")));
            if (chart.Events("dividends").Count() >= 4)
            {
                withDividends = chart;
                break;
            }
        }

        Assert.NotNull(withDividends);
        var dividends = withDividends.Events("dividends").Select(d => d.Value.GetProperty("date").GetInt64()).Order().ToList();
        Assert.All(withDividends.Events("dividends"), d => Assert.True(d.Value.GetProperty("amount").GetDouble() > 0));
        var lastDividend = withDividends.IndexOf(dividends[^1]);
        var firstDividend = withDividends.IndexOf(dividends[0]);
        Assert.True(firstDividend > 0 && lastDividend > firstDividend);
        // adjclose equals close from the last ex-date on, and is below it before (each dividend lowers earlier bars).
        Assert.Equal(withDividends.Close[^1], withDividends.AdjClose[^1]);
        Assert.Equal(withDividends.Close[lastDividend], withDividends.AdjClose[lastDividend]);
        Assert.True(withDividends.AdjClose[lastDividend - 1] < withDividends.Close[lastDividend - 1]);
        var ratioBefore = withDividends.AdjClose[firstDividend - 1]!.Value / withDividends.Close[firstDividend - 1]!.Value;
        var ratioAfter = withDividends.AdjClose[lastDividend - 1]!.Value / withDividends.Close[lastDividend - 1]!.Value;
        Assert.True(ratioBefore < ratioAfter, $"{ratioBefore} < {ratioAfter}");
    }

    [Fact]
    public async Task GetChart_Crypto_SevenDaysAWeekAtUtcMidnight()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var from = new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

        using var response = await host.Client.GetChartAsync(YahooChartRequest.ForPeriod("BTC-USD", BarInterval.Daily, from, from.AddDays(28)));

        var chart = ChartJson.Parse(response.Body);
        Assert.Equal("CRYPTOCURRENCY", chart.MetaString("instrumentType"));
        Assert.Equal("UTC", chart.MetaString("exchangeTimezoneName"));
        Assert.Equal(0, chart.Meta.GetProperty("gmtoffset").GetInt32());
        Assert.Equal(28, chart.Timestamps.Length);
        Assert.Equal(Enumerable.Range(0, 28).Select(d => from.AddDays(d).ToUnixTimeSeconds()), chart.Timestamps);
        Assert.Contains(chart.Timestamps, t => DateTimeOffset.FromUnixTimeSeconds(t).DayOfWeek == DayOfWeek.Sunday);
    }

    [Fact]
    public async Task GetChart_London_PenceAndEuropeLondonAtTheOpen()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var from = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

        using var response = await host.Client.GetChartAsync(YahooChartRequest.ForPeriod("VOD.L", BarInterval.Daily, from, from.AddDays(14)));

        var chart = ChartJson.Parse(response.Body);
        Assert.Equal("GBp", chart.MetaString("currency"));
        Assert.Equal("Europe/London", chart.MetaString("exchangeTimezoneName"));
        Assert.Equal("LSE", chart.MetaString("exchangeName"));
        Assert.Equal(10, chart.Timestamps.Length);
        Assert.All(chart.Timestamps, t => Assert.Equal(new TimeSpan(8, 0, 0), DateTimeOffset.FromUnixTimeSeconds(t).TimeOfDay));
    }

    [Theory]
    [InlineData("EURUSD=X", "CURRENCY", "USD", "Europe/London")]
    [InlineData("0700.HK", "EQUITY", "HKD", "Asia/Hong_Kong")]
    [InlineData("7203.T", "EQUITY", "JPY", "Asia/Tokyo")]
    [InlineData("^GSPC", "INDEX", "USD", "America/New_York")]
    public async Task GetChart_ExchangeFollowsSuffix(string symbol, string type, string currency, string zone)
    {
        using var host = new YahooClientHost(Sim.BaseUrl);

        using var response = await host.Client.GetChartAsync(YahooChartRequest.ForRange(symbol, BarInterval.Daily, "1mo"));

        var chart = ChartJson.Parse(response.Body);
        Assert.Equal(type, chart.MetaString("instrumentType"));
        Assert.Equal(currency, chart.MetaString("currency"));
        Assert.Equal(zone, chart.MetaString("exchangeTimezoneName"));
        if (type == "CURRENCY")
        {
            Assert.All(chart.Volume, v => Assert.Equal(0, v));
            Assert.Equal(4, chart.Meta.GetProperty("priceHint").GetInt32());
        }
    }

    [Fact]
    public async Task GetChart_OneMinutePlannedOverTenDays_EveryChunkAnsweredWithoutAdjClose()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var planner = new YahooRequestPlanner(new FakeTimeProvider(Now));

        var plan = planner.Plan("AAPL", BarInterval.Parse("1m"), Now.AddDays(-10), Now);

        Assert.Equal(2, plan.Count);
        var bars = 0;
        foreach (var request in plan)
        {
            using var response = await host.Client.GetChartAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var chart = ChartJson.Parse(response.Body);
            Assert.Equal("1m", chart.MetaString("dataGranularity"));
            Assert.Empty(chart.AdjClose);
            Assert.All(chart.Timestamps, t => Assert.InRange(t, request.Period1!.Value.ToUnixTimeSeconds(), request.Period2!.Value.ToUnixTimeSeconds() - 1));
            bars += chart.Timestamps.Length;
        }

        // Seven or eight New York sessions of 390 one-minute bars.
        Assert.InRange(bars, 6 * 390, 8 * 390);
    }

    [Fact]
    public async Task GetChart_OneMinuteOutsideYahooWindow_Answers422Unprocessable()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);

        using var response = await host.Client.GetChartAsync(
            YahooChartRequest.ForPeriod("AAPL", BarInterval.Parse("1m"), Now.AddDays(-40), Now.AddDays(-35)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("within the last 30 days", System.Text.Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChart_BeforeListing_Answers400BadRequestLikeYahoo()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);

        using var response = await host.Client.GetChartAsync(YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily,
            DateTimeOffset.FromUnixTimeSeconds(0), DateTimeOffset.FromUnixTimeSeconds(86_400)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"chart\":{\"result\":null,\"error\":{\"code\":\"Bad Request\",\"description\":\"Data doesn't exist for startDate = 0, endDate = 86400\"}}}",
            System.Text.Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task GetChart_WeekendOnly_200WithoutTimestamp()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        var saturday = new DateTimeOffset(2025, 10, 25, 0, 0, 0, TimeSpan.Zero);

        using var response = await host.Client.GetChartAsync(YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, saturday, saturday.AddDays(2)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chart = ChartJson.Parse(response.Body);
        Assert.False(chart.Result.TryGetProperty("timestamp", out _));
        Assert.Equal("{}", chart.Result.GetProperty("indicators").GetProperty("quote")[0].GetRawText());
    }

    [Fact]
    public async Task Stats_CountsPerSymbolAndReset_ZeroesThem()
    {
        using var host = new YahooClientHost(Sim.BaseUrl);
        await Sim.ResetAsync();

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.GetChartAsync(YahooChartRequest.ForRange("STAT", BarInterval.Daily, "5d"));
        }

        var stats = await Sim.StatsAsync();
        Assert.Equal(3, stats.GetProperty("total_requests").GetInt64());
        Assert.Equal(3, stats.GetProperty("per_symbol").GetProperty("STAT").GetInt64());
        Assert.Equal(3, stats.GetProperty("responses_by_status").GetProperty("200").GetInt64());
        Assert.Equal(3, stats.GetProperty("paths").GetProperty("/v8/finance/chart/STAT").GetInt64());

        await Sim.ResetAsync();

        var reset = await Sim.StatsAsync();
        Assert.Equal(0, reset.GetProperty("total_requests").GetInt64());
        Assert.Empty(reset.GetProperty("per_symbol").EnumerateObject());
    }

    private static async Task<byte[]> BytesAsync(YahooClientHost host, YahooChartRequest request)
    {
        using var response = await host.Client.GetChartAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Body.ToArray();
    }
}
