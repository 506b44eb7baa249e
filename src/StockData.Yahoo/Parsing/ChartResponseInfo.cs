using StockData.Core;
using StockData.Yahoo.Session;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// What the parser needs to know about a chart response besides its body: the HTTP status and content type, and
/// what was asked for. The HTTP client fills it from the request and the response headers.
/// </summary>
/// <param name="StatusCode">The HTTP status code of the response (rule R14 classifies on it first).</param>
public sealed record ChartResponseInfo(int StatusCode)
{
    /// <summary>The response's Content-Type header, used only in error messages (classification goes by the body).</summary>
    public string? ContentType { get; init; }

    /// <summary>The requested symbol; when null the result takes <c>meta.symbol</c> (or "" when the body has none).</summary>
    public string? Symbol { get; init; }

    /// <summary>
    /// The requested interval. It selects the daily (R7) or intraday (R8) rules. When null, <c>meta.dataGranularity</c>
    /// decides, and 1d when that is missing or unknown.
    /// </summary>
    public BarInterval? Interval { get; init; }

    /// <summary>The request's exclusive end in epoch seconds; intraday rows at or after it are dropped (R8).</summary>
    public long? Period2 { get; init; }

    /// <summary>The Retry-After delay the response carried, reported with rate_limited (R14).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// The client's verdict that the response is a session failure (a redirect to a consent or login host, an HTML page
    /// on the API, a refused crumb or cookie). When set, the result is <c>unauthorized</c> whatever the body, so a consent
    /// page is never reported as <c>malformed</c>.
    /// </summary>
    public YahooSessionFailure SessionFailure { get; init; }
}
