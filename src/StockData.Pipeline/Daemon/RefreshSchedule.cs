using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StockData.Core;

namespace StockData.Pipeline.Daemon;

/// <summary>
/// When a symbol-interval is fetched next. Daily and longer bars: <see cref="DaemonOptions.DailyRefreshDelay"/> after
/// the regular session end the last response reported (<c>meta.currentTradingPeriod.regular.end</c>) while that is
/// still ahead, else <see cref="DaemonOptions.DailyFallbackTime"/> (01:00) of the next weekday in the exchange's zone:
/// at 01:00 Yahoo already reports the coming session, so a symbol is fetched twice a trading day, once to learn the
/// session and once for its final bar. Intraday: every <see cref="DaemonOptions.IntradayRefreshInterval"/>. Failures
/// back off exponentially; not-found symbols wait <see cref="DaemonOptions.NotFoundRetry"/>.
/// </summary>
internal sealed class RefreshSchedule(IOptions<DaemonOptions> options, TimeProvider time)
{
    // A memo of a pure look-up (zone id → the system's immutable TimeZoneInfo), not state: any host may share it.
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    private readonly DaemonOptions _options = options.Value;

    /// <summary>The next fetch after a fetch that committed and moved the watermark.</summary>
    /// <param name="sessionEnd">The regular session end of the last response, if it carried one.</param>
    /// <param name="exchangeTimezone">The exchange's IANA zone (from the response, else the store); UTC when unknown.</param>
    public DateTimeOffset AfterSuccess(BarInterval interval, DateTimeOffset? sessionEnd, string? exchangeTimezone)
    {
        var now = time.GetUtcNow();
        if (interval.IsIntraday)
        {
            return now + _options.IntradayRefreshInterval;
        }

        if (sessionEnd is { } end && end + _options.DailyRefreshDelay > now)
        {
            return end + _options.DailyRefreshDelay;
        }

        return NextWeekdayAt(now, Zone(exchangeTimezone), _options.DailyFallbackTime);
    }

    /// <summary>The next try after the <paramref name="consecutiveFailures"/>-th failure in a row: base × 2^(n−1), capped.</summary>
    public DateTimeOffset AfterFailure(int consecutiveFailures)
    {
        return time.GetUtcNow() + Backoff.Doubling(_options.FailureBackoffBase, consecutiveFailures, _options.FailureBackoffMax);
    }

    /// <summary>The next try of a symbol that answered not found.</summary>
    public DateTimeOffset AfterNotFound() => time.GetUtcNow() + _options.NotFoundRetry;

    /// <summary>
    /// The first <paramref name="localTime"/> on a weekday (Monday to Friday) in <paramref name="zone"/> strictly after
    /// <paramref name="now"/>. A local time that does not exist that day (a spring-forward gap) moves past the gap; one
    /// that exists twice (fall back) is its first occurrence.
    /// </summary>
    public static DateTimeOffset NextWeekdayAt(DateTimeOffset now, TimeZoneInfo zone, TimeSpan localTime)
    {
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var day = 0; day <= 8; day++)
        {
            var date = localToday.AddDays(day);
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            var local = date.ToDateTime(TimeOnly.FromTimeSpan(localTime), DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(30);
            }

            var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
            var candidate = new DateTimeOffset(local, offset);
            if (candidate > now)
            {
                return candidate.ToUniversalTime();
            }
        }

        throw new InvalidOperationException("unreachable: a weekday always comes within eight days");
    }

    /// <summary>The zone of an IANA id; UTC for null or an id this system does not know.</summary>
    public static TimeZoneInfo Zone(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return TimeZoneInfo.Utc;
        }

        return Zones.GetOrAdd(id, static key => TimeZoneInfo.TryFindSystemTimeZoneById(key, out var zone) ? zone : TimeZoneInfo.Utc);
    }
}
