using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StockData.YahooSim.Chart;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Market;

namespace StockData.UnitTests.YahooSim;

public sealed class ChartBuilderTests
{
    /// <summary>Wednesday 2025-10-29 at 11:07:30 in New York: the session is open.</summary>
    private static readonly DateTimeOffset MidSession = new(2025, 10, 29, 15, 7, 30, TimeSpan.Zero);

    private static ChartBuilder CreateSut(SimulatorOptions? options = null)
    {
        var wrapped = Microsoft.Extensions.Options.Options.Create(options ?? new SimulatorOptions { NullRows = 0 });
        return new ChartBuilder(new HistoryCache(wrapped), new FaultInjector(wrapped), wrapped);
    }

    private static JsonElement Build(ChartBuilder sut, string symbol, string query, DateTimeOffset now, int status = 200)
    {
        var parsed = ChartQuery.Parse(symbol, new QueryCollection(QueryHelpers(query)), out var error);
        Assert.Null(error);
        var body = sut.Build(parsed!, now, new RequestDraw(1));
        Assert.Equal(status, body.Status);
        using var document = JsonDocument.Parse(body.Bytes);
        return document.RootElement.Clone();
    }

    private static Dictionary<string, StringValues> QueryHelpers(string query) =>
        query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => new StringValues(Uri.UnescapeDataString(p[1])));

    private static JsonElement Result(JsonElement root) => root.GetProperty("chart").GetProperty("result")[0];

    [Fact]
    public void Daily_MidSession_LiveBarStampedNow_AloneOnItsDate()
    {
        var result = Result(Build(CreateSut(), "AAPL", "range=5d&interval=1d", MidSession));

        var timestamps = result.GetProperty("timestamp").EnumerateArray().Select(t => t.GetInt64()).ToList();
        Assert.Equal(MidSession.ToUnixTimeSeconds(), timestamps[^1]);
        Assert.Equal(new DateTimeOffset(2025, 10, 28, 13, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds(), timestamps[^2]);
        Assert.Equal(MidSession.ToUnixTimeSeconds(), result.GetProperty("meta").GetProperty("regularMarketTime").GetInt64());
    }

    [Fact]
    public void Daily_MidSession_WithoutLiveBar_EndsYesterday()
    {
        var result = Result(Build(CreateSut(new SimulatorOptions { NullRows = 0, LiveBar = false }), "AAPL", "range=5d&interval=1d", MidSession));

        var last = result.GetProperty("timestamp").EnumerateArray().Last().GetInt64();
        Assert.Equal(new DateTimeOffset(2025, 10, 28, 13, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds(), last);
    }

    [Fact]
    public void Intraday_MidSession_FormingBarOnGridThenLastTradeOffGrid()
    {
        var result = Result(Build(CreateSut(), "AAPL", "range=1d&interval=5m", MidSession));

        var timestamps = result.GetProperty("timestamp").EnumerateArray().Select(t => t.GetInt64()).ToList();
        var now = MidSession.ToUnixTimeSeconds();
        Assert.Equal(now, timestamps[^1]);
        Assert.Equal(new DateTimeOffset(2025, 10, 29, 15, 5, 0, TimeSpan.Zero).ToUnixTimeSeconds(), timestamps[^2]);
        Assert.True(timestamps[^1] - timestamps[^2] < 300);
        Assert.Equal(new DateTimeOffset(2025, 10, 29, 13, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds(), timestamps[0]);
        Assert.False(result.GetProperty("indicators").TryGetProperty("adjclose", out _));
        Assert.Equal(JsonValueKind.Array, result.GetProperty("meta").GetProperty("tradingPeriods").ValueKind);
        Assert.Equal(3, result.GetProperty("meta").GetProperty("scale").GetInt32());
    }

    [Fact]
    public void Intraday_PrePost_TradingPeriodsObjectAndZeroVolumeOutsideTheSession()
    {
        var after = new DateTimeOffset(2025, 10, 30, 0, 30, 0, TimeSpan.Zero); // 20:30 EDT: the post session is over
        var result = Result(Build(CreateSut(), "TSLA", "range=1d&interval=30m&includePrePost=true", after));

        var meta = result.GetProperty("meta");
        Assert.Equal(JsonValueKind.Object, meta.GetProperty("tradingPeriods").ValueKind);
        var timestamps = result.GetProperty("timestamp").EnumerateArray().Select(t => t.GetInt64()).ToList();
        var volumes = result.GetProperty("indicators").GetProperty("quote")[0].GetProperty("volume").EnumerateArray().Select(v => v.GetInt64()).ToList();
        Assert.Equal(new DateTimeOffset(2025, 10, 29, 8, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), timestamps[0]);
        Assert.Equal(32, timestamps.Count);
        Assert.Equal(0, volumes[0]);
        Assert.Equal(0, volumes[^1]);
        Assert.True(volumes[timestamps.IndexOf(new DateTimeOffset(2025, 10, 29, 14, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds())] > 0);
    }

    [Fact]
    public void Weekly_EventsKeyedByTheBarNotTheirDate()
    {
        var symbol = Enumerable.Range(0, 100).Select(i => $"KEYS{i}")
            .First(s => HistoryGenerator.Generate(SymbolProfile.For(s), new DateOnly(2025, 10, 29)).Dividends.Length > 40);
        var result = Result(Build(CreateSut(), symbol, "range=10y&interval=1wk&events=div", MidSession));

        var dividends = result.GetProperty("events").GetProperty("dividends").EnumerateObject().ToList();
        Assert.NotEmpty(dividends);
        Assert.Contains(dividends, d => d.Name != d.Value.GetProperty("date").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.All(result.GetProperty("timestamp").EnumerateArray(), t =>
        {
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(t.GetInt64()), newYork);
            Assert.Equal(DayOfWeek.Monday, local.DayOfWeek);
            Assert.Equal(TimeSpan.Zero, local.TimeOfDay);
        });
    }

    [Fact]
    public void NullRows_SomeRowsAllNull_NeverTheLast()
    {
        var result = Result(Build(CreateSut(new SimulatorOptions { NullRows = 0.05 }), "AAPL", "range=2y&interval=1d", MidSession));

        var quote = result.GetProperty("indicators").GetProperty("quote")[0];
        var closes = quote.GetProperty("close").EnumerateArray().ToList();
        var nulls = Enumerable.Range(0, closes.Count).Where(i => closes[i].ValueKind == JsonValueKind.Null).ToList();
        Assert.InRange(nulls.Count, 5, 60);
        Assert.NotEqual(JsonValueKind.Null, closes[^1].ValueKind);
        Assert.All(nulls, i =>
        {
            Assert.Equal(JsonValueKind.Null, quote.GetProperty("open")[i].ValueKind);
            Assert.Equal(JsonValueKind.Null, quote.GetProperty("volume")[i].ValueKind);
        });
    }

    [Theory]
    [InlineData("interval=7m&range=1mo", "Invalid input - interval=7m")]
    [InlineData("interval=1d&range=7y", "Invalid input - range=7y")]
    [InlineData("interval=1d&period1=abc&period2=1", "Invalid input")]
    public void Parse_BadQuery_400LikeYahoo(string query, string expected)
    {
        var parsed = ChartQuery.Parse("AAPL", new QueryCollection(QueryHelpers(query)), out var error);

        Assert.Null(parsed);
        Assert.Equal(400, error!.Status);
        Assert.Contains(expected, System.Text.Encoding.UTF8.GetString(error.Bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Period_Reversed_400()
    {
        Build(CreateSut(), "AAPL", "period1=2000000&period2=1000000&interval=1d", MidSession, status: 400);
    }

    /// <summary>
    /// SHA-256 of the body a simulator process started with only <c>--now 2025-10-29T20:30:00Z</c> served for
    /// <c>AAPL?range=10y&amp;interval=1d&amp;events=div|split|capitalGains</c> before <c>--seed</c> existed: the default
    /// seed (and an explicit 0) must keep every history the demo and the tests were written against.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void DefaultSeed_TenYearDaily_SameBytesAsBeforeTheSeedOption(int? seed)
    {
        var options = new SimulatorOptions();
        if (seed is { } value)
        {
            options.Seed = value;
        }

        var now = new DateTimeOffset(2025, 10, 29, 20, 30, 0, TimeSpan.Zero);
        var parsed = ChartQuery.Parse("AAPL", new QueryCollection(QueryHelpers("range=10y&interval=1d&events=div|split|capitalGains")), out _);
        var body = CreateSut(options).Build(parsed!, now, new RequestDraw(1));

        Assert.Equal("6f0af8aa66e5a9487958a526c6ece470a2dd414cbd27bd730664ac7013915676",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.Bytes)));
    }
}
