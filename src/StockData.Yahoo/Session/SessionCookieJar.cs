namespace StockData.Yahoo.Session;

/// <summary>
/// The cookies the session pages set, kept by name whatever their Domain says. A browser-like jar would match
/// <c>Domain=.yahoo.com</c> against the request host and drop every cookie offline, where every Yahoo host is a
/// loopback address; the session is one set of cookies for every Yahoo call, so no matching is needed.
/// </summary>
internal sealed class SessionCookieJar
{
    private readonly List<KeyValuePair<string, string>> _cookies = [];

    public int Count => _cookies.Count;

    /// <summary>The cookies' names (never their values), for diagnostics.</summary>
    public IReadOnlyList<string> Names => _cookies.Select(c => c.Key).ToList();

    /// <summary>Takes every <c>Set-Cookie</c> line: a later value replaces an earlier one; an expiring one (Max-Age ≤ 0, Expires past) removes it.</summary>
    public void AddFrom(HttpResponseMessage response, DateTimeOffset now)
    {
        if (!response.Headers.NonValidated.TryGetValues("Set-Cookie", out var lines))
        {
            return;
        }

        foreach (var line in lines)
        {
            if (SetCookie.TryParse(line, now, out var name, out var value, out var expired))
            {
                _cookies.RemoveAll(c => string.Equals(c.Key, name, StringComparison.Ordinal));
                if (!expired)
                {
                    _cookies.Add(new(name, value));
                }
            }
        }
    }

    /// <summary>The <c>Cookie</c> header value (<c>a=1; b=2</c>), empty when the jar is.</summary>
    public string ToHeader() => string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value));
}
