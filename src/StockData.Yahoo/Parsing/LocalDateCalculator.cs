namespace StockData.Yahoo.Parsing;

/// <summary>
/// Epoch seconds to exchange-local dates for one response (R1), through the zone's per-year offset tables. Bars come
/// sorted, so the year looked up last almost always holds the next bar. A mutable struct: keep it in a local and pass
/// it by ref.
/// </summary>
public struct LocalDateCalculator(ExchangeZone zone)
{
    private const long SecondsPerDay = 86_400;

    // DateOnly.DayNumber of 1970-01-01.
    private const int UnixEpochDayNumber = 719_162;

    private ZoneYear? _year;

    public DateOnly LocalDate(long epochSeconds)
    {
        if (zone.FixedOffsetSeconds is { } fixedOffset)
        {
            return ToDate(epochSeconds + fixedOffset);
        }

        var year = _year;
        if (year is null || epochSeconds < year.Start || epochSeconds >= year.End)
        {
            _year = year = zone.YearOf(epochSeconds);
        }

        return ToDate(epochSeconds + year.OffsetSeconds(epochSeconds));
    }

    private static DateOnly ToDate(long localSeconds)
    {
        // Floor division: bars before 1970 have negative epochs (R1).
        var days = localSeconds >= 0 ? localSeconds / SecondsPerDay : ((localSeconds + 1) / SecondsPerDay) - 1;
        return DateOnly.FromDayNumber((int)(days + UnixEpochDayNumber));
    }
}
