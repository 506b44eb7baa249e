using System.Globalization;

namespace StockData.YahooSim.Session;

/// <summary>Set-Cookie lines as Yahoo writes them: on <c>.yahoo.com</c>, Secure, HttpOnly, SameSite=None, living a year.</summary>
internal static class YahooCookies
{
    public const string Session = "A3";
    public const string Consent = "EuConsent";
    public const string ConsentSession = "GUCS";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    /// <summary>
    /// Appends one Set-Cookie header. Domain=.yahoo.com and Secure are kept although the simulator answers on a loopback
    /// address over plain http: a client that leaves the cookie to a browser-like jar would then drop it, as it must not
    /// rely on one (the service keeps the cookie value itself).
    /// </summary>
    public static void Append(HttpResponse response, string name, string value, DateTimeOffset now)
    {
        var expires = (now + Lifetime).UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
        var maxAge = ((long)Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.Headers.Append("Set-Cookie",
            $"{name}={value}; Expires={expires}; Max-Age={maxAge}; Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None");
    }
}
