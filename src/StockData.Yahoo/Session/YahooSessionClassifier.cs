using System.Text;

namespace StockData.Yahoo.Session;

/// <summary>Tells a session failure from other answers (<see cref="YahooSessionFailure"/>), before the body is parsed as chart data.</summary>
public static class YahooSessionClassifier
{
    private const int HeadBytes = 1024;

    public static YahooSessionFailure Classify(int status, Uri? location, ReadOnlySpan<byte> body, bool sessionSent)
    {
        if (status is 401 or 403)
        {
            var head = Head(body);
            if (head.Contains("crumb", StringComparison.OrdinalIgnoreCase) || head.Contains("cookie", StringComparison.OrdinalIgnoreCase))
            {
                return YahooSessionFailure.Refused;
            }

            return status == 401 && sessionSent ? YahooSessionFailure.Refused : YahooSessionFailure.None;
        }

        if (status is >= 300 and <= 399)
        {
            return location is not null && IsConsentOrLogin(location) ? YahooSessionFailure.Redirected : YahooSessionFailure.None;
        }

        if (status is >= 200 and <= 299 && LooksLikeHtml(body))
        {
            return YahooSessionFailure.HtmlBody;
        }

        return YahooSessionFailure.None;
    }

    /// <summary>
    /// guce.yahoo.com, consent.yahoo.com and login.yahoo.com; offline, where every host is the simulator, the consent
    /// paths (<c>/consent</c>, <c>/v2/collectConsent</c>, <c>/copyConsent</c>) and <c>/login</c> say it instead.
    /// </summary>
    public static bool IsConsentOrLogin(Uri uri) => IsConsent(uri) ||
        uri.Host.StartsWith("login.", StringComparison.OrdinalIgnoreCase) ||
        uri.AbsolutePath.StartsWith("/login", StringComparison.OrdinalIgnoreCase);

    /// <summary>A consent host or path (see <see cref="IsConsentOrLogin"/>).</summary>
    public static bool IsConsent(Uri uri) =>
        uri.Host.StartsWith("guce.", StringComparison.OrdinalIgnoreCase) ||
        uri.Host.StartsWith("consent.", StringComparison.OrdinalIgnoreCase) ||
        uri.AbsolutePath.StartsWith("/consent", StringComparison.OrdinalIgnoreCase) ||
        uri.AbsolutePath.StartsWith("/v2/collectConsent", StringComparison.OrdinalIgnoreCase) ||
        uri.AbsolutePath.StartsWith("/copyConsent", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeHtml(ReadOnlySpan<byte> body)
    {
        var head = Head(body).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith('<') &&
               (head.Contains("<html", StringComparison.OrdinalIgnoreCase) || head.Contains("<!doctype html", StringComparison.OrdinalIgnoreCase));
    }

    private static string Head(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body[..Math.Min(body.Length, HeadBytes)]);
}
