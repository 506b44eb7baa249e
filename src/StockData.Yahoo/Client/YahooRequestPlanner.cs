using StockData.Core;

namespace StockData.Yahoo.Client;

/// <summary>
/// Splits a wanted range into chart requests within Yahoo's limits (docs/yahoo-chart-api.md §1, yfinance <c>history.py</c>):
/// 1m at most 7 days per request and only within the last 30 days; 2m–90m within the last 60 days; 60m/1h within the
/// last 730 days; 1d and longer in one request. A range starting before the window is an error, never a silent
/// empty result; callers that want "as much as exists" clamp with <see cref="EarliestStart"/> first.
/// </summary>
public sealed class YahooRequestPlanner(TimeProvider timeProvider)
{
    /// <summary>The most a 1m request may span. Yahoo's text says 7 days ("about 7-8" in practice); 7 is safe.</summary>
    public static readonly TimeSpan OneMinuteChunk = TimeSpan.FromDays(7);

    /// <summary>How far back Yahoo serves <paramref name="interval"/>; null for daily and longer (the whole history).</summary>
    public static TimeSpan? Window(BarInterval interval) => interval.Token switch
    {
        "1m" => TimeSpan.FromDays(30),
        "2m" or "5m" or "15m" or "30m" or "90m" => TimeSpan.FromDays(60),
        "60m" or "1h" => TimeSpan.FromDays(730),
        _ when interval.IsDailyOrLonger => null,
        _ => throw new ArgumentException($"No known Yahoo window for interval '{interval}'.", nameof(interval)),
    };

    /// <summary>The earliest start Yahoo serves for <paramref name="interval"/> now; null for daily and longer.</summary>
    public DateTimeOffset? EarliestStart(BarInterval interval) =>
        Window(interval) is { } window ? timeProvider.GetUtcNow() - window : null;

    /// <summary>The requests that together cover [<paramref name="from"/>, <paramref name="to"/>), in order, without overlap.</summary>
    public IReadOnlyList<YahooChartRequest> Plan(string symbol, BarInterval interval, DateTimeOffset from, DateTimeOffset to,
        bool includePrePost = false)
    {
        YahooSymbol.Validate(symbol);
        if (to <= from)
        {
            throw new ArgumentException(
                $"The range for '{symbol}' is empty or reversed: from {from:O} is not before to {to:O}.", nameof(to));
        }

        if (Window(interval) is { } window)
        {
            var earliest = timeProvider.GetUtcNow() - window;
            if (from < earliest)
            {
                throw new YahooRequestWindowException(symbol, interval.Token, from, earliest, window);
            }
        }

        if (interval.Token != "1m")
        {
            return [YahooChartRequest.ForPeriod(symbol, interval, from, to) with { IncludePrePost = includePrePost }];
        }

        var requests = new List<YahooChartRequest>();
        for (var start = from; start < to; start += OneMinuteChunk)
        {
            var end = start + OneMinuteChunk < to ? start + OneMinuteChunk : to;
            requests.Add(YahooChartRequest.ForPeriod(symbol, interval, start, end) with { IncludePrePost = includePrePost });
        }

        return requests;
    }
}
