using StockData.TestSupport;
using StockData.Core;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>Deterministic bars and chunks for writer tests.</summary>
public static class TestBars
{
    public static readonly DateOnly Start = new(2024, 1, 2);

    /// <summary><paramref name="count"/> consecutive daily bars from <paramref name="from"/>, stamped 14:30 UTC (session open).</summary>
    public static Bar[] Daily(int count, DateOnly? from = null, double basePrice = 100)
    {
        var start = from ?? Start;
        var bars = new Bar[count];
        for (var i = 0; i < count; i++)
        {
            var date = start.AddDays(i);
            var price = basePrice + i;
            bars[i] = new Bar(SessionOpen(date), date, price, price + 2, price - 1, price + 1, price + 0.5, 1000 + i);
        }

        return bars;
    }

    public static DateTimeOffset SessionOpen(DateOnly date) => new(date.ToDateTime(new TimeOnly(14, 30)), TimeSpan.Zero);

    /// <summary>Intraday bars every <paramref name="minutes"/> minutes from <paramref name="start"/>.</summary>
    public static Bar[] Intraday(int count, DateTimeOffset start, int minutes = 5)
    {
        var bars = new Bar[count];
        for (var i = 0; i < count; i++)
        {
            var ts = start.AddMinutes(i * minutes);
            bars[i] = new Bar(ts, DateOnly.FromDateTime(ts.UtcDateTime), 50 + i, 51 + i, 49 + i, 50.5 + i, null, 10 * i);
        }

        return bars;
    }

    /// <summary>A whole fetch as one chunk.</summary>
    public static FetchChunk Fetch(string symbol, Bar[] bars, bool full = false, FetchEvents? events = null, string interval = "1d") =>
        new(TestFetchIds.Next(), symbol, BarInterval.Parse(interval), full, 0, bars, true, events);

    public static WriteBatch Batch(params FetchChunk[] chunks) => new(chunks);
}
