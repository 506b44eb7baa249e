namespace StockData.YahooSim.Market;

/// <summary>
/// Where a symbol trades: names and instrument type as Yahoo spells them, the IANA zone, the session hours and the
/// calendar. Daily bars of session markets are stamped at the open; FX and crypto at local midnight (fixtures). A
/// seven-day exchange (crypto) trades every calendar day, weekends and holidays included.
/// </summary>
internal sealed class Exchange
{
    private static readonly TimeSpan FullDay = TimeSpan.FromHours(24);
    private static readonly TimeSpan LastMinute = new(23, 59, 0);

    private readonly HashSet<(int Month, int Day)> _holidays;
    private readonly bool _periodsEndAtLastMinute;

    public Exchange(string exchangeName, string fullExchangeName, string timeZoneId, string standardAbbreviation, string daylightAbbreviation,
        string currency, string instrumentType, TimeSpan preOpen, TimeSpan open, TimeSpan close, TimeSpan postClose,
        bool sevenDays, bool stampAtMidnight, IEnumerable<(int Month, int Day)> holidays, bool periodsEndAtLastMinute = false)
    {
        ExchangeName = exchangeName;
        FullExchangeName = fullExchangeName;
        TimeZoneId = timeZoneId;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        StandardAbbreviation = standardAbbreviation;
        DaylightAbbreviation = daylightAbbreviation;
        Currency = currency;
        InstrumentType = instrumentType;
        PreOpen = preOpen;
        Open = open;
        Close = close;
        PostClose = postClose;
        SevenDays = sevenDays;
        StampAtMidnight = stampAtMidnight;
        _holidays = [.. holidays];
        _periodsEndAtLastMinute = periodsEndAtLastMinute;
    }

    public string ExchangeName { get; }

    public string FullExchangeName { get; }

    public string TimeZoneId { get; }

    public TimeZoneInfo Zone { get; }

    public string StandardAbbreviation { get; }

    public string DaylightAbbreviation { get; }

    public string Currency { get; }

    public string InstrumentType { get; }

    public TimeSpan PreOpen { get; }

    public TimeSpan Open { get; }

    /// <summary>Session end; 24:00 for round-the-clock markets.</summary>
    public TimeSpan Close { get; }

    public TimeSpan PostClose { get; }

    public bool SevenDays { get; }

    public bool StampAtMidnight { get; }

    public bool HasPrePost => PreOpen != Open || PostClose != Close;

    public bool IsTradingDay(DateOnly date) =>
        (SevenDays || date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) && !_holidays.Contains((date.Month, date.Day));

    /// <summary>
    /// A session time as the response's trading periods show it. Yahoo ends a crypto day's regular period at 23:59
    /// (BTC-USD fixture: regular.end = start + 86,340 s, post 23:59–23:59) although its bars run up to midnight.
    /// </summary>
    public TimeSpan PeriodTime(TimeSpan localTime) => _periodsEndAtLastMinute && localTime == FullDay ? LastMinute : localTime;

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant of a local wall-clock time on <paramref name="date"/> (24:00 is the next midnight).</summary>
    public DateTimeOffset At(DateOnly date, TimeSpan localTime)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).Add(localTime);
        var offset = Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The timestamp Yahoo puts on a daily bar of <paramref name="date"/>.</summary>
    public DateTimeOffset DailyStamp(DateOnly date) => At(date, StampAtMidnight ? TimeSpan.Zero : Open);

    public int GmtOffsetSeconds(DateTimeOffset instant) => (int)Zone.GetUtcOffset(instant).TotalSeconds;

    public string Abbreviation(DateTimeOffset instant) => Zone.IsDaylightSavingTime(instant) ? DaylightAbbreviation : StandardAbbreviation;
}
