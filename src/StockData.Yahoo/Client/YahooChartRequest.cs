using StockData.Core;

namespace StockData.Yahoo.Client;

/// <summary>
/// One chart request: a symbol, an interval and either a period (<see cref="Period1"/> inclusive,
/// <see cref="Period2"/> exclusive, sent as Unix seconds) or a Yahoo <see cref="Range"/> (<c>6mo</c>, <c>max</c>, …).
/// Build with <see cref="ForPeriod"/> or <see cref="ForRange"/>; intraday ranges should come from
/// <see cref="YahooRequestPlanner"/>, which splits them to Yahoo's limits.
/// </summary>
public sealed record YahooChartRequest
{
    /// <summary>The ranges Yahoo lists in <c>meta.validRanges</c>.</summary>
    public static readonly IReadOnlyList<string> ValidRanges = ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"];

    private YahooChartRequest(string symbol, BarInterval interval, DateTimeOffset? period1, DateTimeOffset? period2, string? range)
    {
        YahooSymbol.Validate(symbol);
        if (interval.Token is null)
        {
            throw new ArgumentException("The interval is not set.", nameof(interval));
        }

        Symbol = symbol;
        Interval = interval;
        Period1 = period1;
        Period2 = period2;
        Range = range;
    }

    public string Symbol { get; }

    public BarInterval Interval { get; }

    /// <summary>Inclusive start; null when <see cref="Range"/> is used.</summary>
    public DateTimeOffset? Period1 { get; }

    /// <summary>Exclusive end; null when <see cref="Range"/> is used.</summary>
    public DateTimeOffset? Period2 { get; }

    /// <summary>One of <see cref="ValidRanges"/>; null when a period is used.</summary>
    public string? Range { get; }

    /// <summary>Asks for pre- and post-market bars (intraday only).</summary>
    public bool IncludePrePost { get; init; }

    /// <summary>A request for [<paramref name="period1"/>, <paramref name="period2"/>). Equal bounds are allowed (Yahoo answers 200 with no bars).</summary>
    public static YahooChartRequest ForPeriod(string symbol, BarInterval interval, DateTimeOffset period1, DateTimeOffset period2)
    {
        if (period2 < period1)
        {
            throw new ArgumentException($"period2 ({period2:O}) is before period1 ({period1:O}) for '{YahooSymbol.Printable(symbol)}'.", nameof(period2));
        }

        return new YahooChartRequest(symbol, interval, period1, period2, null);
    }

    /// <summary>A request for one of Yahoo's named ranges, ending now.</summary>
    public static YahooChartRequest ForRange(string symbol, BarInterval interval, string range)
    {
        if (!ValidRanges.Contains(range, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown range '{range}'. Valid: {string.Join(", ", ValidRanges)}.", nameof(range));
        }

        return new YahooChartRequest(symbol, interval, null, null, range);
    }
}
