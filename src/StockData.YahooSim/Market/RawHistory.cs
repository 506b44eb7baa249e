namespace StockData.YahooSim.Market;

/// <summary>
/// A symbol's history as it traded, before any back-adjustment: one entry per trading day from the listing to the
/// horizon, plus the corporate actions. Prices here are what the tape showed that day; <see cref="Adjuster"/>
/// derives what Yahoo shows as of a given day.
/// </summary>
internal sealed class RawHistory
{
    public required SymbolProfile Profile { get; init; }

    /// <summary>Local trading dates (DateOnly.DayNumber), ascending.</summary>
    public required int[] Days { get; init; }

    public required double[] Open { get; init; }

    public required double[] High { get; init; }

    public required double[] Low { get; init; }

    public required double[] Close { get; init; }

    public required double[] Volume { get; init; }

    /// <summary>Splits, ascending by day index: ex-date index, numerator, denominator (4:1 → 4, 1; reverse 1:10 → 1, 10).</summary>
    public required (int Index, int Numerator, int Denominator)[] Splits { get; init; }

    /// <summary>Dividends, ascending: ex-date index, the cash amount per share on that day, and Yahoo's adjclose multiplier 1 − D / previous close.</summary>
    public required (int Index, double Amount, double Multiplier)[] Dividends { get; init; }

    public int Count => Days.Length;

    /// <summary>Bytes this history holds, for the cache's bound.</summary>
    public long ApproximateBytes => Days.Length * 44L + 256;

    /// <summary>The index of the last day on or before <paramref name="dayNumber"/>, or -1.</summary>
    public int LastIndexOnOrBefore(int dayNumber)
    {
        var i = Array.BinarySearch(Days, dayNumber);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary>The index of the first day on or after <paramref name="dayNumber"/> (Count when none).</summary>
    public int FirstIndexOnOrAfter(int dayNumber)
    {
        var i = Array.BinarySearch(Days, dayNumber);
        return i >= 0 ? i : ~i;
    }
}
