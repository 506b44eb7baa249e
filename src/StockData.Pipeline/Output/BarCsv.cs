using System.Globalization;
using StockData.Core;

namespace StockData.Pipeline.Output;

/// <summary>The CSV form of bars, one format for the HTTP API and the <c>bars</c> verb.</summary>
internal static class BarCsv
{
    public const string Header = "symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume";

    /// <summary>One CSV row: invariant culture, round-trip doubles, ISO-8601 UTC timestamps, empty for null.</summary>
    public static string Line(string symbol, string interval, Bar bar) => string.Create(CultureInfo.InvariantCulture,
        $"{symbol},{interval},{bar.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{bar.TradeDate:yyyy-MM-dd},{bar.Open:R},{bar.High:R},{bar.Low:R},{bar.Close:R},{bar.AdjClose:R},{bar.Volume}");
}
