using System.Text.Json.Serialization;

namespace StockData.Benchmarks.Dto;

/// <summary>
/// The "plain DTO" baseline: classes mirroring the chart JSON (the shape node-yahoo-finance2's and yfinance-rs's typed
/// models have), filled by <c>JsonSerializer.Deserialize</c> through a source-generated context. Nested here because
/// they exist only as one baseline, together.
/// </summary>
internal static class ChartDto
{
    internal sealed class Envelope
    {
        public Chart? Chart { get; set; }
    }

    internal sealed class Chart
    {
        public List<Result>? Result { get; set; }

        public Error? Error { get; set; }
    }

    internal sealed class Error
    {
        public string? Code { get; set; }

        public string? Description { get; set; }
    }

    internal sealed class Result
    {
        public Meta? Meta { get; set; }

        public long[]? Timestamp { get; set; }

        public Events? Events { get; set; }

        public Indicators? Indicators { get; set; }
    }

    internal sealed class Meta
    {
        public string? Currency { get; set; }

        public string? Symbol { get; set; }

        public string? ExchangeName { get; set; }

        public string? InstrumentType { get; set; }

        public long? FirstTradeDate { get; set; }

        public long? RegularMarketTime { get; set; }

        public string? ExchangeTimezoneName { get; set; }

        public string? DataGranularity { get; set; }

        public TradingPeriods? CurrentTradingPeriod { get; set; }
    }

    internal sealed class TradingPeriods
    {
        public TradingPeriod? Regular { get; set; }
    }

    internal sealed class TradingPeriod
    {
        public long? Start { get; set; }

        public long? End { get; set; }
    }

    internal sealed class Events
    {
        public Dictionary<string, Cash>? Dividends { get; set; }

        public Dictionary<string, SplitEvent>? Splits { get; set; }

        public Dictionary<string, Cash>? CapitalGains { get; set; }
    }

    internal sealed class Cash
    {
        public double? Amount { get; set; }

        public long? Date { get; set; }
    }

    internal sealed class SplitEvent
    {
        public long? Date { get; set; }

        public double? Numerator { get; set; }

        public double? Denominator { get; set; }
    }

    internal sealed class Indicators
    {
        public List<Quote>? Quote { get; set; }

        [JsonPropertyName("adjclose")]
        public List<AdjClose>? AdjClose { get; set; }
    }

    internal sealed class Quote
    {
        public double?[]? Open { get; set; }

        public double?[]? High { get; set; }

        public double?[]? Low { get; set; }

        public double?[]? Close { get; set; }

        public long?[]? Volume { get; set; }
    }

    internal sealed class AdjClose
    {
        [JsonPropertyName("adjclose")]
        public double?[]? Values { get; set; }
    }
}
