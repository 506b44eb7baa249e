using StockData.Core;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>
/// A symbol's store across a 4:1 split, written by the product's writer in three fetches the way Yahoo serves them:
/// (1) six raw daily bars and a dividend of 4 on the third; (2) the split (ex-date the fifth bar, taking effect after
/// fetch 1) with the two bars from its ex-date on, already in new shares; (3) the full re-fetch that follows a split:
/// every bar and the dividend restated in new shares (prices and amount divided by 4, volumes multiplied).
/// </summary>
internal sealed record SplitStory(
    Bar[] Raw,
    Bar[] Restated,
    DateTimeOffset BeforeSplit,
    DateTimeOffset AfterSplitBeforeRefetch,
    double DividendMultiplier)
{
    public const string Symbol = "SPL";

    public static readonly DateOnly DividendDate = Start.AddDays(2);
    public static readonly DateOnly SplitDate = Start.AddDays(4);

    /// <summary>Writes the three fetches; <paramref name="clock"/> reads the server's clock between them.</summary>
    public static async Task<SplitStory> WriteAsync(IBarWriter writer, Func<Task<DateTimeOffset>> clock, CancellationToken ct)
    {
        var raw = Daily(6, basePrice: 400);
        var restated = raw.Select(b => b with
        {
            Open = b.Open / 4, High = b.High / 4, Low = b.Low / 4, Close = b.Close / 4, AdjClose = b.AdjClose / 4, Volume = b.Volume * 4,
        }).ToArray();
        var dividend = new Dividend(SessionOpen(DividendDate), DividendDate, 4);
        await writer.WriteAsync(Batch(Fetch(Symbol, raw, events: new FetchEvents(null, [dividend], [], []))), ct);
        var beforeSplit = await clock();

        // The split's session begins between fetch 1 and fetch 2 (here: the clock read just now).
        var split = new Split(beforeSplit, SplitDate, 4, 1);
        await writer.WriteAsync(Batch(Fetch(Symbol, restated[4..], events: new FetchEvents(null, [], [split], []))), ct);
        var afterSplit = await clock();

        await writer.WriteAsync(Batch(Fetch(Symbol, restated, full: true,
            events: new FetchEvents(null, [dividend with { Amount = 1 }], [split], []))), ct);
        // 1 - 4 / 402 in old shares, 1 - 1 / 100.5 in new: the same multiplier.
        return new SplitStory(raw, restated, beforeSplit, afterSplit, 1 - (1 / raw[1].Close * 4));
    }

    /// <summary><paramref name="bars"/> with the bars before the dividend's ex-date scaled by its multiplier (volume and adj_close kept).</summary>
    public Bar[] DividendAdjusted(Bar[] bars) => [.. bars.Select(b => b.TradeDate < DividendDate
        ? b with { Open = b.Open * DividendMultiplier, High = b.High * DividendMultiplier, Low = b.Low * DividendMultiplier, Close = b.Close * DividendMultiplier }
        : b)];

    /// <summary>
    /// Equal bar for bar, prices to 1e-9 relative: the multiplier is computed in other shares on each side, and adjusted
    /// prices are served to ten significant digits (PriceAdjuster.Significant, within 5e-10).
    /// </summary>
    public static void AssertClose(IReadOnlyList<Bar> expected, IReadOnlyList<Bar> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.Timestamp, e.TradeDate, e.Volume), (a.Timestamp, a.TradeDate, a.Volume));
            foreach (var (x, y) in new[] { (e.Open, a.Open), (e.High, a.High), (e.Low, a.Low), (e.Close, a.Close), (e.AdjClose!.Value, a.AdjClose!.Value) })
            {
                Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Abs(x), $"{e.TradeDate}: expected {x}, got {y}");
            }
        }
    }
}
