using StockData.YahooSim.Market;

namespace StockData.YahooSim.Chart;

/// <summary>Everything one 200 chart response carries, ready for <see cref="ChartJsonWriter"/>.</summary>
internal sealed class ChartData
{
    public required SymbolProfile Profile { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required string Interval { get; init; }

    public required string Range { get; init; }

    public required bool IncludePrePost { get; init; }

    public long? FirstTradeDate { get; init; }

    public long RegularMarketTime { get; init; }

    public double RegularMarketPrice { get; init; }

    public double FiftyTwoWeekHigh { get; init; }

    public double FiftyTwoWeekLow { get; init; }

    public double DayHigh { get; init; }

    public double DayLow { get; init; }

    public long DayVolume { get; init; }

    public double ChartPreviousClose { get; init; }

    /// <summary>Intraday responses carry previousClose and scale; daily ones do not.</summary>
    public double? PreviousClose { get; init; }

    public int PriceHint { get; init; }

    /// <summary>The session currentTradingPeriod describes: today's, or the next one on a closed day.</summary>
    public DateOnly SessionDay { get; init; }

    /// <summary>Intraday only: the days tradingPeriods lists.</summary>
    public IReadOnlyList<DateOnly>? TradingPeriodDays { get; init; }

    public required List<ChartRow> Rows { get; init; }

    public required List<ChartEvent> Dividends { get; init; }

    public required List<ChartEvent> Splits { get; init; }

    /// <summary>Daily and longer responses have indicators.adjclose; intraday ones do not.</summary>
    public bool HasAdjClose { get; init; }
}
