using System.Globalization;
using StockData.Yahoo.Client;

namespace StockData.Upstream.Caching;

/// <summary>
/// The response cache's key: <c>symbol|interval|period1|period2|events</c> (plus <c>|prepost</c> when pre/post-market
/// bars are asked for), with <c>period1</c> aligned down to the interval (to the UTC day for daily and longer) and a
/// <c>period2</c> at or after <c>now − tolerance</c> written <c>open</c>. Incremental fetches a few seconds apart
/// (each computing its own "from" and "now") so share one entry.
/// </summary>
/// <remarks>
/// The tolerance is the cache's own duration: an entry is up to that old anyway, so a request that ended that
/// recently cannot tell "up to now" from "up to its period2" (the parser drops intraday bars past the caller's own
/// period2). Named ranges (<c>range=6mo</c>) end now: they key as <c>range:6mo|open</c>.
/// </remarks>
public static class ChartCacheKey
{
    public const string Open = "open";

    private const long SecondsPerDay = 86_400;

    public static string For(YahooChartRequest request, string events, DateTimeOffset now, TimeSpan openTolerance)
    {
        ArgumentNullException.ThrowIfNull(request);
        var interval = request.Interval;
        string start;
        string end;
        if (request.Range is { } range)
        {
            start = "range:" + range;
            end = Open;
        }
        else
        {
            start = AlignDown(request.Period1!.Value.ToUnixTimeSeconds(), AlignmentSeconds(interval)).ToString(CultureInfo.InvariantCulture);
            end = request.Period2!.Value >= now - openTolerance
                ? Open
                : request.Period2.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        var key = string.Join('|', request.Symbol, interval.Token, start, end, events);
        return request.IncludePrePost ? key + "|prepost" : key;
    }

    /// <summary>The grid period1 is aligned to: the interval for intraday bars, the UTC day for daily and longer (their bars are day-keyed).</summary>
    public static long AlignmentSeconds(Core.BarInterval interval) =>
        interval.IsDailyOrLonger ? SecondsPerDay : Math.Max(1, (long)interval.Nominal.TotalSeconds);

    /// <summary>Floor to a multiple of <paramref name="step"/>, correct for negative epochs (history before 1970).</summary>
    public static long AlignDown(long seconds, long step) => seconds - (((seconds % step) + step) % step);
}
