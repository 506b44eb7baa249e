namespace StockData.Yahoo.Session;

/// <summary>What a getcrumb body is.</summary>
public enum CrumbVerdict
{
    Valid,
    Empty,
    Html,
    TooManyRequests,
    Implausible,
}

/// <summary>
/// Decides whether a getcrumb body is a crumb. Yahoo's crumbs are about 11 characters of letters, digits, '.' and '/';
/// throttled, it has answered 200 with the text <c>Too Many Requests</c>, and a consent or error page is HTML.
/// </summary>
internal static class CrumbCheck
{
    /// <summary>Longer than any crumb seen by a wide margin, short enough that a page of text is never taken for one.</summary>
    public const int MaxLength = 64;

    public static CrumbVerdict Check(string? body, out string crumb)
    {
        crumb = (body ?? "").Trim();
        if (crumb.Length == 0)
        {
            return CrumbVerdict.Empty;
        }

        if (crumb.Contains("<html", StringComparison.OrdinalIgnoreCase) || crumb.Contains("<!doctype", StringComparison.OrdinalIgnoreCase))
        {
            return CrumbVerdict.Html;
        }

        if (crumb.Contains("Too Many Requests", StringComparison.OrdinalIgnoreCase))
        {
            return CrumbVerdict.TooManyRequests;
        }

        if (crumb.Length > MaxLength || !crumb.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '_' or '-' or '\\'))
        {
            return CrumbVerdict.Implausible;
        }

        return CrumbVerdict.Valid;
    }
}
