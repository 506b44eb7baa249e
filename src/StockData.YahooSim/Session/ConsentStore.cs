using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace StockData.YahooSim.Session;

/// <summary>
/// The consent forms handed out (<c>sessionId</c> → <c>csrfToken</c>) and the consent cookies granted for them. A form
/// is answered once; its consent cookie then stands for "this client agreed", as Yahoo's EuConsent cookie does.
/// </summary>
internal sealed class ConsentStore
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly ConcurrentDictionary<string, string> _forms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _agreed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _consentCookies = new(StringComparer.Ordinal);

    /// <summary>A new form: its session id (shaped like Yahoo's <c>3_cc-session_…</c>) and csrf token.</summary>
    public (string SessionId, string CsrfToken) Begin()
    {
        var sessionId = "3_cc-session_" + RandomNumberGenerator.GetString(Alphabet, 8) + "-" + RandomNumberGenerator.GetString(Alphabet, 12);
        var csrf = RandomNumberGenerator.GetString(Alphabet, 22);
        _forms[sessionId] = csrf;
        return (sessionId, csrf);
    }

    /// <summary>The csrf token of a form still open, for showing it again.</summary>
    public bool TryGetForm(string? sessionId, out string csrfToken)
    {
        csrfToken = "";
        return sessionId is not null && _forms.TryGetValue(sessionId, out csrfToken!);
    }

    /// <summary>Answers the form: true with a new consent cookie value when the token matches; the form is closed either way.</summary>
    public bool TryAgree(string? sessionId, string? csrfToken, out string consentCookie)
    {
        consentCookie = "";
        if (sessionId is null || !_forms.TryRemove(sessionId, out var expected) || !string.Equals(expected, csrfToken, StringComparison.Ordinal))
        {
            return false;
        }

        consentCookie = "CQ" + RandomNumberGenerator.GetString(Alphabet, 30);
        _consentCookies[consentCookie] = 0;
        _agreed[sessionId] = consentCookie;
        return true;
    }

    /// <summary>True once, for a form that was agreed to and not yet copied (<c>copyConsent</c>).</summary>
    public bool TryCopy(string? sessionId) => sessionId is not null && _agreed.TryRemove(sessionId, out _);

    public bool IsConsentCookie(string? value) => value is not null && _consentCookies.ContainsKey(value);

    public void Reset()
    {
        _forms.Clear();
        _agreed.Clear();
        _consentCookies.Clear();
    }
}
