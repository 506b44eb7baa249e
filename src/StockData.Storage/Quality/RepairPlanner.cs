namespace StockData.Storage.Quality;

/// <summary>Turns open gaps (and flagged ranges) into repair fetches: one per run of dates close enough to share a request.</summary>
public static class RepairPlanner
{
    /// <summary>A date range that needs fetching again.</summary>
    public sealed record Need(string Symbol, string Interval, string TimeZone, DateOnly From, DateOnly To, int Attempts);

    /// <summary>
    /// Per symbol-interval, in date order, merges needs whose dates are at most <paramref name="mergeDays"/> apart (one
    /// request instead of several: Yahoo's limit counts requests, not bars). A range keeps the highest attempt count
    /// of what it covers.
    /// </summary>
    public static IReadOnlyList<RepairRange> Plan(IEnumerable<Need> needs, int mergeDays)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var ranges = new List<RepairRange>();
        foreach (var group in needs.GroupBy(n => (n.Symbol, n.Interval)).OrderBy(g => g.Key.Symbol, StringComparer.Ordinal)
                     .ThenBy(g => g.Key.Interval, StringComparer.Ordinal))
        {
            RepairRange? current = null;
            var slot = 0;
            foreach (var need in group.OrderBy(n => n.From))
            {
                if (current is not null && need.From.DayNumber - current.To.DayNumber <= mergeDays)
                {
                    current = current with
                    {
                        To = need.To > current.To ? need.To : current.To,
                        Attempts = Math.Max(current.Attempts, need.Attempts),
                    };
                    continue;
                }

                if (current is not null)
                {
                    ranges.Add(current);
                }

                current = new RepairRange(need.Symbol, need.Interval, need.TimeZone, need.From, need.To, need.Attempts, slot++);
            }

            if (current is not null)
            {
                ranges.Add(current);
            }
        }

        return ranges;
    }
}
