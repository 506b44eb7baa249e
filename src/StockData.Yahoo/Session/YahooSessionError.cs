namespace StockData.Yahoo.Session;

/// <summary>Why no session could be had.</summary>
public enum YahooSessionErrorKind
{
    /// <summary>No cookie page set a cookie.</summary>
    NoCookie,

    /// <summary>A consent form could not be completed (no form, refused, or redirected in a loop).</summary>
    Consent,

    /// <summary>Getcrumb answered something that is not a crumb (an error status, an HTML page, an empty or implausible body).</summary>
    CrumbRejected,

    /// <summary>Getcrumb is throttled (a 429, or a 200 whose body is <c>Too Many Requests</c>): a rate-limit answer, not an auth failure.</summary>
    CrumbRateLimited,

    /// <summary>The session requests failed in transport (refused, reset, timed out).</summary>
    Transport,
}

/// <summary>A failed attempt to obtain a session. <see cref="Message"/> never contains a cookie or crumb value.</summary>
public sealed record YahooSessionError(YahooSessionErrorKind Kind, string Message, TimeSpan? RetryAfter = null);

/// <summary>The outcome of one attempt: a session, or why there is none.</summary>
public sealed record YahooSessionResult(YahooSession? Session, YahooSessionError? Error)
{
    public static YahooSessionResult Ok(YahooSession session) => new(session, null);

    public static YahooSessionResult Failed(YahooSessionError error) => new(null, error);
}
