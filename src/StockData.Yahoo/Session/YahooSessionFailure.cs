namespace StockData.Yahoo.Session;

/// <summary>
/// How a chart response says the session is missing or stale. Anything but <see cref="None"/> is a session failure:
/// the fetch layer may refresh the session and retry once, instead of counting the response as malformed or final.
/// </summary>
public enum YahooSessionFailure
{
    None,

    /// <summary>A 401 or 403 whose body names the crumb or cookie, or any 401 while a session was sent.</summary>
    Refused,

    /// <summary>A redirect to a consent or login host.</summary>
    Redirected,

    /// <summary>A 2xx HTML page where JSON was asked for (a consent or login page served in place).</summary>
    HtmlBody,
}
