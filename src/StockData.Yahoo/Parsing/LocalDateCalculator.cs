namespace StockData.Yahoo.Parsing;

/// <summary>
/// Epoch seconds to exchange-local dates for one response. Intraday bars come hundreds per day, so the UTC span of
/// the last local day is remembered once both of its ends are seen to have the same offset (no transition inside).
/// A mutable struct: keep it in a local and pass it by ref.
/// </summary>
internal struct LocalDateCalculator(ExchangeZone zone, bool rememberDays)
{
    private const long SecondsPerDay = 86_400;

    // DateOnly.DayNumber of 1970-01-01.
    private const int UnixEpochDayNumber = 719_162;

    private long _dayStart = long.MaxValue;
    private long _dayEnd = long.MinValue;
    private int _dayNumber;

    public DateOnly LocalDate(long epochSeconds)
    {
        if (zone.FixedOffsetSeconds is { } fixedOffset)
        {
            return ToDate(epochSeconds + fixedOffset);
        }

        if (epochSeconds >= _dayStart && epochSeconds < _dayEnd)
        {
            return DateOnly.FromDayNumber(_dayNumber);
        }

        var offset = zone.OffsetSeconds(epochSeconds);
        var date = ToDate(epochSeconds + offset);
        if (rememberDays)
        {
            var start = ((long)(date.DayNumber - UnixEpochDayNumber) * SecondsPerDay) - offset;
            var end = start + SecondsPerDay;
            if (zone.OffsetSeconds(start) == offset && zone.OffsetSeconds(end - 1) == offset)
            {
                (_dayStart, _dayEnd, _dayNumber) = (start, end, date.DayNumber);
            }
        }

        return date;
    }

    private static DateOnly ToDate(long localSeconds)
    {
        // Floor division: bars before 1970 have negative epochs (R1).
        var days = localSeconds >= 0 ? localSeconds / SecondsPerDay : ((localSeconds + 1) / SecondsPerDay) - 1;
        return DateOnly.FromDayNumber((int)(days + UnixEpochDayNumber));
    }
}
