using System.Collections.Concurrent;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// An exchange time zone resolved once per IANA id (R1: the local date of a bar comes from
/// <c>meta.exchangeTimezoneName</c>, never from <c>gmtoffset</c>, which is the offset at request time).
/// </summary>
public sealed class ExchangeZone
{
    private const int MaxCachedZones = 1024;

    // A memo of a pure look-up (zone name → its rules, bounded by MaxCachedZones), not state any caller could change.
    private static readonly ConcurrentDictionary<string, ExchangeZone?> Cache = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<int, ZoneYear> _years = new();

    private ExchangeZone(TimeZoneInfo zone)
    {
        Zone = zone;
        // A zone without adjustment rules (UTC, Etc/GMT+5) has one offset for all time: no lookup per bar.
        FixedOffsetSeconds = zone.GetAdjustmentRules().Length == 0 ? (long)zone.BaseUtcOffset.TotalSeconds : null;
    }

    public TimeZoneInfo Zone { get; }

    public long? FixedOffsetSeconds { get; }

    /// <summary>
    /// The zone for an IANA id (IANA ids resolve on Linux and, through ICU, on Windows), or null when this machine
    /// does not know it.
    /// </summary>
    public static ExchangeZone? Find(string id)
    {
        if (Cache.TryGetValue(id, out var cached))
        {
            return cached;
        }

        ExchangeZone? zone;
        try
        {
            zone = new ExchangeZone(TimeZoneInfo.FindSystemTimeZoneById(id));
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = null;
        }

        // Ids come from upstream bodies: bound the cache so that garbage ids cannot grow it without end.
        if (Cache.Count < MaxCachedZones)
        {
            Cache.TryAdd(id, zone);
        }

        return zone;
    }

    /// <summary>The offsets of the UTC year holding <paramref name="epochSeconds"/>, built once per zone and year.</summary>
    public ZoneYear YearOf(long epochSeconds) =>
        _years.GetOrAdd(ZoneYear.YearOf(epochSeconds), static (year, zone) => ZoneYear.Build(zone, year), Zone);
}
