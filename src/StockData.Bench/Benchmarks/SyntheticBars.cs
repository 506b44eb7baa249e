using StockData.Core;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// Deterministic daily histories for the writer benchmark and its kill test, shaped like the data measured in
/// docs/postgres-upsert.md: business days from 2015-01-02, a geometric random walk with consistent OHLC rounded to
/// 4 dp, adj_close to 6 dp, log-normal volume, stamped at the session open (14:30 UTC).
/// </summary>
internal static class SyntheticBars
{
    public static readonly DateOnly FirstDay = new(2015, 1, 2);

    public static string Symbol(int index) => $"B{index:D4}";

    /// <summary><paramref name="count"/> bars on business days from <paramref name="from"/>, the same for the same seed.</summary>
    public static Bar[] History(int seed, int count, DateOnly? from = null, double? startPrice = null)
    {
#pragma warning disable CA5394 // Reproducible synthetic prices, not security.
        var random = new Random(seed);
        var bars = new Bar[count];
        var date = from ?? FirstDay;
        var close = startPrice ?? 20 + (seed % 200);
        for (var i = 0; i < count; i++)
        {
            date = i == 0 ? BusinessDayOnOrAfter(date) : NextBusinessDay(date);
            var open = close * (1 + (Normal(random) * 0.005));
            close = open * (1 + 0.0003 + (Normal(random) * 0.02));
            var high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.01));
            var low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.01));
            var volume = (long)Math.Exp(13 + Normal(random));
            bars[i] = new Bar(SessionOpen(date), date, Math.Round(open, 4), Math.Round(high, 4), Math.Round(low, 4), Math.Round(close, 4),
                Math.Round(close * 0.97, 6), volume);
        }
#pragma warning restore CA5394

        return bars;
    }

    /// <summary><paramref name="count"/> bars continuing <paramref name="history"/> on the next business days.</summary>
    public static Bar[] Continue(Bar[] history, int count, int seed) =>
        History(seed ^ 0x5A5A5A, count, NextBusinessDay(history[^1].TradeDate), history[^1].Close);

    public static DateTimeOffset SessionOpen(DateOnly date) => new(date.ToDateTime(new TimeOnly(14, 30)), TimeSpan.Zero);

    private static DateOnly NextBusinessDay(DateOnly date) => BusinessDayOnOrAfter(date.AddDays(1));

    private static DateOnly BusinessDayOnOrAfter(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => date.AddDays(2),
        DayOfWeek.Sunday => date.AddDays(1),
        _ => date,
    };

    private static double Normal(Random random)
    {
#pragma warning disable CA5394
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
#pragma warning restore CA5394
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
