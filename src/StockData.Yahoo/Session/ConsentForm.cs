using System.Net;
using System.Text.RegularExpressions;

namespace StockData.Yahoo.Session;

/// <summary>
/// Yahoo's consent form (guce.yahoo.com/consent): its hidden <c>csrfToken</c> and <c>sessionId</c>, and where it posts.
/// The answer is the form yfinance sends: agree (twice), consentUUID, the two hidden values, originalDoneUrl, namespace.
/// </summary>
internal sealed partial class ConsentForm
{
    /// <summary>Where the form posts when the page names no action (the host yfinance posts to).</summary>
    public const string DefaultAction = "https://consent.yahoo.com/v2/collectConsent";

    private ConsentForm(Uri action, string csrfToken, string sessionId)
    {
        Action = action;
        CsrfToken = csrfToken;
        SessionId = sessionId;
    }

    public Uri Action { get; }

    public string CsrfToken { get; }

    public string SessionId { get; }

    /// <summary>Reads the form from <paramref name="html"/>; null when it lacks either hidden value.</summary>
    public static ConsentForm? Parse(string html, Uri page)
    {
        var csrf = HiddenValue(html, "csrfToken");
        var sessionId = HiddenValue(html, "sessionId");
        if (string.IsNullOrEmpty(csrf) || string.IsNullOrEmpty(sessionId))
        {
            return null;
        }

        var actionMatch = FormAction().Match(html);
        var action = actionMatch.Success && Uri.TryCreate(page, WebUtility.HtmlDecode(actionMatch.Groups["action"].Value), out var resolved) &&
                     (resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps)
            ? resolved
            : new Uri(DefaultAction + "?sessionId=" + Uri.EscapeDataString(sessionId));
        return new ConsentForm(action, csrf, sessionId);
    }

    /// <summary>The POST body that agrees.</summary>
    public FormUrlEncodedContent Answer() => new(
    [
        new("agree", "agree"),
        new("agree", "agree"),
        new("consentUUID", "default"),
        new("sessionId", SessionId),
        new("csrfToken", CsrfToken),
        new("originalDoneUrl", "https://finance.yahoo.com/"),
        new("namespace", "yahoo"),
    ]);

    /// <summary>The value of <c>&lt;input … name="{name}" … value="…"&gt;</c>, attributes in either order.</summary>
    private static string? HiddenValue(string html, string name)
    {
        foreach (Match input in InputTag().Matches(html))
        {
            var tag = input.Value;
            var nameMatch = Attribute().Matches(tag).FirstOrDefault(m => m.Groups["key"].Value.Equals("name", StringComparison.OrdinalIgnoreCase));
            if (nameMatch is null || !string.Equals(nameMatch.Groups["value"].Value, name, StringComparison.Ordinal))
            {
                continue;
            }

            var valueMatch = Attribute().Matches(tag).FirstOrDefault(m => m.Groups["key"].Value.Equals("value", StringComparison.OrdinalIgnoreCase));
            return valueMatch is null ? null : WebUtility.HtmlDecode(valueMatch.Groups["value"].Value);
        }

        return null;
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex InputTag();

    [GeneratedRegex("(?<key>[A-Za-z_:-]+)\\s*=\\s*(?:\"(?<value>[^\"]*)\"|'(?<value>[^']*)')", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Attribute();

    [GeneratedRegex("<form\\b[^>]*\\baction\\s*=\\s*[\"'](?<action>[^\"']+)[\"']", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex FormAction();
}
