using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StockData.Core;
using StockData.Upstream.Caching;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using ZiggyCreatures.Caching.Fusion;

namespace StockData.UnitTests.Upstream.Caching;

/// <summary>The response cache key: period1 aligned down to the interval, a recent period2 is "open", events and pre/post kept.</summary>
public sealed class ChartCacheKeyTests
{
    private const string Events = "div|split|capitalGains";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 15, 31, 17, TimeSpan.Zero);

    [Fact]
    public void IncrementalFetches_SecondsApart_ShareOneKey()
    {
        var time = new FakeTimeProvider(Now);
        using var fusion = new FusionCache(new FusionCacheOptions());
        var cache = CreateSut(fusion, time);

        // Each caller computes its own "from" (now minus a year) and "to" (now) when it plans the request.
        var first = cache.KeyOf(YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, time.GetUtcNow().AddDays(-365), time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(10));
        var second = cache.KeyOf(YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, time.GetUtcNow().AddDays(-365), time.GetUtcNow()));

        Assert.Equal(first, second);
        Assert.Equal($"AAPL|1d|{new DateTimeOffset(2025, 11, 27, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}|open|{Events}", first);
    }

    [Theory]
    [InlineData("1m", "15:31:00")]
    [InlineData("5m", "15:30:00")]
    [InlineData("15m", "15:30:00")]
    [InlineData("1h", "15:00:00")]
    [InlineData("90m", "15:00:00")]
    [InlineData("1d", "00:00:00")]
    [InlineData("1wk", "00:00:00")]
    public void Period1_IsAlignedDownToTheInterval(string interval, string aligned)
    {
        var request = YahooChartRequest.ForPeriod("MSFT", BarInterval.Parse(interval), Now, Now.AddDays(1));

        var key = ChartCacheKey.For(request, Events, Now.AddDays(5), TimeSpan.FromMinutes(2));

        var expected = new DateTimeOffset(Now.Date + TimeSpan.Parse(aligned, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
        Assert.Equal(expected.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), key.Split('|')[2]);
    }

    [Fact]
    public void Period1_BeforeTheEpoch_AlignsDownNotTowardZero()
    {
        var request = YahooChartRequest.ForPeriod("IBM", BarInterval.Daily, new DateTimeOffset(1962, 1, 2, 14, 30, 0, TimeSpan.Zero), Now);

        var key = ChartCacheKey.For(request, Events, Now, TimeSpan.FromMinutes(2));

        Assert.Equal(new DateTimeOffset(1962, 1, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            key.Split('|')[2]);
    }

    [Fact]
    public void Period2_OpenOnlyWithinTheTolerance_ElseExact()
    {
        var tolerance = TimeSpan.FromMinutes(2);
        var recent = YahooChartRequest.ForPeriod("AAPL", BarInterval.Parse("5m"), Now.AddDays(-1), Now - tolerance);
        var future = YahooChartRequest.ForPeriod("AAPL", BarInterval.Parse("5m"), Now.AddDays(-1), Now.AddHours(1));
        var past = YahooChartRequest.ForPeriod("AAPL", BarInterval.Parse("5m"), Now.AddDays(-1), Now - tolerance - TimeSpan.FromSeconds(1));

        Assert.EndsWith("|open|" + Events, ChartCacheKey.For(recent, Events, Now, tolerance), StringComparison.Ordinal);
        Assert.EndsWith("|open|" + Events, ChartCacheKey.For(future, Events, Now, tolerance), StringComparison.Ordinal);
        Assert.Equal((Now - tolerance - TimeSpan.FromSeconds(1)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ChartCacheKey.For(past, Events, Now, tolerance).Split('|')[3]);
    }

    [Fact]
    public void DifferentSymbolIntervalEventsOrPrePost_DifferentKeys()
    {
        var baseRequest = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, Now.AddDays(-30), Now);
        var keys = new[]
        {
            ChartCacheKey.For(baseRequest, Events, Now, TimeSpan.FromMinutes(2)),
            ChartCacheKey.For(YahooChartRequest.ForPeriod("AAPl", BarInterval.Daily, Now.AddDays(-30), Now), Events, Now, TimeSpan.FromMinutes(2)),
            ChartCacheKey.For(YahooChartRequest.ForPeriod("AAPL", BarInterval.Parse("1wk"), Now.AddDays(-30), Now), Events, Now, TimeSpan.FromMinutes(2)),
            ChartCacheKey.For(baseRequest, "div", Now, TimeSpan.FromMinutes(2)),
            ChartCacheKey.For(baseRequest with { IncludePrePost = true }, Events, Now, TimeSpan.FromMinutes(2)),
            ChartCacheKey.For(YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, Now.AddDays(-31), Now), Events, Now, TimeSpan.FromMinutes(2)),
        };

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.EndsWith("|prepost", keys[4], StringComparison.Ordinal);
    }

    [Fact]
    public void NamedRange_KeysAsRangeAndOpen()
    {
        var key = ChartCacheKey.For(YahooChartRequest.ForRange("^GSPC", BarInterval.Daily, "6mo"), Events, Now, TimeSpan.FromMinutes(2));

        Assert.Equal("^GSPC|1d|range:6mo|open|" + Events, key);
    }

    [Fact]
    public void KeyOf_UsesTheConfiguredEventsAndDurationAsTolerance()
    {
        var time = new FakeTimeProvider(Now);
        using var fusion = new FusionCache(new FusionCacheOptions());
        var cache = CreateSut(fusion, time, duration: TimeSpan.FromMinutes(5), events: "div");
        var request = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, Now.AddDays(-10), Now - TimeSpan.FromMinutes(4));

        Assert.Equal($"AAPL|1d|{new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}|open|div", cache.KeyOf(request));
    }

    private static ChartResponseCache CreateSut(IFusionCache fusion, TimeProvider time, TimeSpan? duration = null, string events = Events) =>
        new(fusion, Options.Create(new ResponseCacheOptions { Duration = duration ?? TimeSpan.FromMinutes(2) }),
            Options.Create(new YahooOptions { Events = events }), time);
}
