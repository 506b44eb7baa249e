namespace StockData.Yahoo.Parsing;

/// <summary>
/// One UTC calendar year of a zone's UTC offsets: the offset at the year's start and every change within it, found
/// once by sampling <see cref="TimeZoneInfo.GetUtcOffset(DateTime)"/> at each UTC midnight and bisecting to the second
/// where the offset changes. Looking an instant up is then a range check and a scan of a few transitions, where
/// <see cref="TimeZoneInfo.GetUtcOffset(DateTime)"/> costs about 80 ns (measured here, .NET 10 on Linux), which was
/// most of the parser's time per daily bar beyond reading the numbers. Assumes no zone changes its offset twice within
/// one UTC day and back again, which no tzdata zone does.
/// </summary>
public sealed class ZoneYear
{
    private const long SecondsPerDay = 86_400;

    private readonly long _initialOffset;
    private readonly long[] _transitions;
    private readonly long[] _offsetsAfter;

    private ZoneYear(long start, long end, long initialOffset, long[] transitions, long[] offsetsAfter)
    {
        Start = start;
        End = end;
        _initialOffset = initialOffset;
        _transitions = transitions;
        _offsetsAfter = offsetsAfter;
    }

    /// <summary>The first second of the year (UTC epoch seconds).</summary>
    public long Start { get; }

    /// <summary>The first second after the year.</summary>
    public long End { get; }

    public long OffsetSeconds(long epochSeconds)
    {
        var offset = _initialOffset;
        for (var i = 0; i < _transitions.Length && epochSeconds >= _transitions[i]; i++)
        {
            offset = _offsetsAfter[i];
        }

        return offset;
    }

    public static ZoneYear Build(TimeZoneInfo zone, int year)
    {
        var start = EpochOf(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var end = year == DateTime.MaxValue.Year ? EpochOf(DateTime.MaxValue) + 1 : EpochOf(new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var transitions = new List<long>(2);
        var offsetsAfter = new List<long>(2);
        var initial = Offset(zone, start);
        var previous = initial;
        for (var day = start; day < end; day += SecondsPerDay)
        {
            var dayEnd = Math.Min(day + SecondsPerDay, end) - 1;
            var atEnd = Offset(zone, dayEnd);
            if (atEnd == previous)
            {
                continue;
            }

            // Bisect to the first second carrying the new offset.
            var (low, high) = (day, dayEnd);
            while (low < high)
            {
                var middle = low + ((high - low) / 2);
                if (Offset(zone, middle) == previous)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            transitions.Add(low);
            offsetsAfter.Add(atEnd);
            previous = atEnd;
        }

        return new ZoneYear(start, end, initial, [.. transitions], [.. offsetsAfter]);
    }

    public static int YearOf(long epochSeconds) => DateTime.UnixEpoch.AddSeconds(epochSeconds).Year;

    private static long EpochOf(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;

    private static long Offset(TimeZoneInfo zone, long epochSeconds) =>
        (long)zone.GetUtcOffset(new DateTime(DateTime.UnixEpoch.Ticks + (epochSeconds * TimeSpan.TicksPerSecond), DateTimeKind.Utc))
            .TotalSeconds;
}
