namespace StockData.Storage.Quality;

/// <summary>
/// The gap rule (docs/data-quality.md) without a holiday calendar: an exchange's trading dates are the dates most of its symbols
/// have a bar on, and a symbol lacking one of them inside its window has a gap.
/// </summary>
public static class TradingDateRule
{
    /// <summary>
    /// The trading dates of one exchange: dates with at least <see cref="GapRules.MinPeers"/> peers (symbols whose
    /// stored range holds the date, so a later listing does not count against older dates) of which at least
    /// <see cref="GapRules.Share"/> have a bar. Ascending.
    /// </summary>
    /// <param name="ranges">The exchange's symbols' stored ranges.</param>
    /// <param name="barsPerDate">How many of them have a bar on each date.</param>
    public static IReadOnlyList<DateOnly> TradingDates(IReadOnlyCollection<StoredRange> ranges, IReadOnlyDictionary<DateOnly, int> barsPerDate,
        GapRules rules)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(barsPerDate);
        ArgumentNullException.ThrowIfNull(rules);
        var firsts = ranges.Select(r => r.First.DayNumber).Order().ToArray();
        var lasts = ranges.Select(r => r.Last.DayNumber).Order().ToArray();
        var dates = new List<DateOnly>();
        foreach (var (date, bars) in barsPerDate.OrderBy(p => p.Key))
        {
            // Peers on d: ranges started on or before d, less those that ended before d.
            var peers = CountAtMost(firsts, date.DayNumber) - CountAtMost(lasts, date.DayNumber - 1);
            if (peers >= rules.MinPeers && bars >= rules.Share * peers)
            {
                dates.Add(date);
            }
        }

        return dates;
    }

    /// <summary>
    /// The dates a symbol is expected to have every trading date in: its stored range, widened at either end to the
    /// exchange's first or last trading date when that is at most <see cref="GapRules.EdgeDays"/> away, because a
    /// response that lost the first or last bar leaves the stored range one date short. Not widened: back past the
    /// listing date, or forward unless the symbol was last fetched on a later local date than that last trading date
    /// (so a symbol the schedule has not reached yet today has no gap).
    /// </summary>
    public static (DateOnly From, DateOnly To) Window(StoredRange range, DateOnly firstTrading, DateOnly lastTrading, GapRules rules)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(rules);
        var from = range.First;
        var anchor = range.Listed is { } listed && listed > firstTrading ? listed : firstTrading;
        if (anchor < from && from.DayNumber - anchor.DayNumber <= rules.EdgeDays)
        {
            from = anchor;
        }

        var to = range.Last;
        if (lastTrading > to && lastTrading.DayNumber - to.DayNumber <= rules.EdgeDays && range.LastFetched is { } fetched && fetched > lastTrading)
        {
            to = lastTrading;
        }

        return (from, to);
    }

    private static int CountAtMost(int[] sorted, int value)
    {
        var index = Array.BinarySearch(sorted, value + 1);
        if (index < 0)
        {
            return ~index;
        }

        // Found value + 1: count the elements before its first occurrence.
        while (index > 0 && sorted[index - 1] == value + 1)
        {
            index--;
        }

        return index;
    }
}
