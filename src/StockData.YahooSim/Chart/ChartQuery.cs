using System.Globalization;

namespace StockData.YahooSim.Chart;

/// <summary>The query of one chart request, read the way Yahoo reads it.</summary>
internal sealed record ChartQuery(
    string Symbol, string Interval, long? Period1, long? Period2, string? Range,
    bool Dividends, bool Splits, bool CapitalGains, bool IncludePrePost)
{
    public static readonly string[] Intervals = ["1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo"];

    public static readonly string[] Ranges = ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"];

    /// <summary>Bar length in minutes for intraday intervals; 0 for daily and longer.</summary>
    public int IntradayMinutes => Interval switch
    {
        "1m" => 1,
        "2m" => 2,
        "5m" => 5,
        "15m" => 15,
        "30m" => 30,
        "60m" or "1h" => 60,
        "90m" => 90,
        _ => 0,
    };

    public string CacheKey =>
        $"{Symbol}|{Interval}|{Period1}|{Period2}|{Range}|{(Dividends ? 'd' : '-')}{(Splits ? 's' : '-')}{(CapitalGains ? 'c' : '-')}|{IncludePrePost}";

    /// <summary>The parsed query, or the 400 body Yahoo would send for it.</summary>
    public static ChartQuery? Parse(string symbol, IQueryCollection query, out ChartBody? error)
    {
        error = null;
        var interval = query["interval"].ToString();
        if (interval.Length == 0)
        {
            interval = "1d";
        }

        if (!Intervals.Contains(interval, StringComparer.Ordinal))
        {
            error = YahooErrors.BadRequest(
                $"Invalid input - interval={interval} is not supported. Valid intervals: [{string.Join(", ", Intervals)}]");
            return null;
        }

        var range = query["range"].ToString();
        long? period1 = null;
        long? period2 = null;
        if (query.ContainsKey("period1") || query.ContainsKey("period2"))
        {
            if (!TryEpoch(query["period1"].ToString(), out period1) || !TryEpoch(query["period2"].ToString(), out period2))
            {
                error = YahooErrors.BadRequest("Invalid input - period1 and period2 must be Unix seconds");
                return null;
            }

            range = "";
        }
        else if (range.Length == 0)
        {
            range = "1mo";
        }

        if (range.Length > 0 && !Ranges.Contains(range, StringComparer.Ordinal))
        {
            error = YahooErrors.BadRequest($"Invalid input - range={range} is not supported. Valid ranges: [{string.Join(", ", Ranges)}]");
            return null;
        }

        var events = query["events"].ToString();
        return new ChartQuery(symbol, interval, period1, period2, range.Length > 0 ? range : null,
            events.Contains("div", StringComparison.Ordinal),
            events.Contains("split", StringComparison.Ordinal),
            events.Contains("capitalGain", StringComparison.Ordinal),
            string.Equals(query["includePrePost"].ToString(), "true", StringComparison.OrdinalIgnoreCase));
    }

    private static bool TryEpoch(string text, out long? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
