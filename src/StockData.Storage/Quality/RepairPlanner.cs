namespace StockData.Storage.Quality;

/// <summary>
/// Turns open gaps (and flagged ranges) into repair fetches, planned by what they cost upstream: Yahoo's allowance
/// counts requests, not bars or days, so the fewest requests that cover every need win.
/// </summary>
public static class RepairPlanner
{
    /// <summary>A date range that needs fetching again.</summary>
    /// <param name="IsGap">A gap (false: a flagged range to re-verify).</param>
    public sealed record Need(string Symbol, string Interval, string TimeZone, DateOnly From, DateOnly To, int Attempts, bool IsGap = true);

    /// <summary>
    /// Per symbol-interval, in date order, merges needs into ranges. A daily-or-longer request (and an intraday one
    /// above 1m) is one request whatever its span, so all of a symbol-interval's needs become one range. A 1m request
    /// spans at most <see cref="OneMinuteRequestDays"/> days (the fetch stage splits longer ranges), so two needs merge
    /// only when the merged range takes no more requests than the two apart. A range keeps the highest attempt count
    /// of what it covers.
    /// </summary>
    public static IReadOnlyList<RepairRange> Plan(IEnumerable<Need> needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var ranges = new List<RepairRange>();
        foreach (var group in needs.GroupBy(n => (n.Symbol, n.Interval)).OrderBy(g => g.Key.Symbol, StringComparer.Ordinal)
                     .ThenBy(g => g.Key.Interval, StringComparer.Ordinal))
        {
            var span = RequestSpanDays(group.Key.Interval);
            RepairRange? current = null;
            var slot = 0;
            foreach (var need in group.OrderBy(n => n.From).ThenBy(n => n.To))
            {
                if (current is not null && (span is not { } days || MergedCost(current, need, days) <= Cost(current.From, current.To, days) + Cost(need.From, need.To, days)))
                {
                    current = current with
                    {
                        To = need.To > current.To ? need.To : current.To,
                        Attempts = Math.Max(current.Attempts, need.Attempts),
                        CoversGap = current.CoversGap || need.IsGap,
                    };
                    continue;
                }

                if (current is not null)
                {
                    ranges.Add(current);
                }

                current = new RepairRange(need.Symbol, need.Interval, need.TimeZone, need.From, need.To, need.Attempts, slot++, need.IsGap);
            }

            if (current is not null)
            {
                ranges.Add(current);
            }
        }

        return ranges;
    }

    /// <summary>The most days one 1m request may span (YahooRequestPlanner.OneMinuteChunk).</summary>
    public const int OneMinuteRequestDays = 7;

    /// <summary>The most calendar days one request of <paramref name="interval"/> may span; null when one request takes any range.</summary>
    public static int? RequestSpanDays(string interval) => interval == "1m" ? OneMinuteRequestDays : null;

    /// <summary>Requests a range of exchange-local dates [from, to] takes at <paramref name="days"/> days per request.</summary>
    public static int Cost(DateOnly from, DateOnly to, int days) => ((to.DayNumber - from.DayNumber + 1) + days - 1) / days;

    private static int MergedCost(RepairRange current, Need need, int days) =>
        Cost(current.From, need.To > current.To ? need.To : current.To, days);
}
