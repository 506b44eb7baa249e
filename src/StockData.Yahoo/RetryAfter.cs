using System.Net.Http.Headers;

namespace StockData.Yahoo;

/// <summary>Reads a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.</summary>
public static class RetryAfter
{
    /// <summary>The delay from <paramref name="now"/>; a date in the past gives zero; null when absent or unreadable.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value) || !RetryConditionHeaderValue.TryParse(value.Trim(), out var parsed))
        {
            return null;
        }

        return From(parsed, now);
    }

    /// <summary>The delay of an already parsed header value.</summary>
    public static TimeSpan? From(RetryConditionHeaderValue? value, DateTimeOffset now)
    {
        if (value?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? null : delta;
        }

        if (value?.Date is { } date)
        {
            var delay = date - now;
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        return null;
    }
}
