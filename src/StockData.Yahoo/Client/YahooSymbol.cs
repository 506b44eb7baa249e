using System.Text;

namespace StockData.Yahoo.Client;

/// <summary>
/// The one gate every symbol passes before it reaches a URL: an allow-list of the characters Yahoo uses and a
/// length limit, then percent-encoding as exactly one path segment. Nothing outside the list (a slash, a dot-only
/// segment, <c>%</c>, <c>?</c>, <c>#</c>, <c>@</c>, whitespace, control or non-ASCII look-alike characters) can
/// reach the request, so no symbol can change the path or the host.
/// </summary>
public static class YahooSymbol
{
    /// <summary>The longest symbol accepted. Yahoo's longest real ones (fund ids with a suffix, <c>0P000071W8.TO</c>) are about 15.</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// The canonical form: upper case. Yahoo's symbols are case-insensitive and it answers with the upper-case form, so
    /// <c>aapl</c> and <c>AAPL</c> must be one symbol in the store, one request and one cache entry, not two. Only
    /// ASCII can pass <see cref="Validate"/>, so the invariant culture's mapping is the whole story. A symbol that does
    /// not pass is returned as it is, so the error that refuses it names what the user wrote.
    /// </summary>
    public static string Normalize(string symbol) => IsValid(symbol) ? symbol.ToUpperInvariant() : symbol;

    /// <summary>True when <paramref name="symbol"/> passes <see cref="Validate"/>.</summary>
    public static bool IsValid(string? symbol) => Check(symbol) is null;

    /// <summary>Why <paramref name="symbol"/> is refused (naming it, printable), or null when it is acceptable.</summary>
    public static string? Problem(string? symbol) =>
        Check(symbol) is { } reason ? $"invalid symbol '{Printable(symbol)}': {reason}" : null;

    /// <summary>Throws <see cref="InvalidYahooSymbolException"/> naming the symbol and the reason when it is not acceptable.</summary>
    public static void Validate(string? symbol)
    {
        if (Check(symbol) is { } reason)
        {
            throw new InvalidYahooSymbolException(symbol ?? "", reason);
        }
    }

    /// <summary>
    /// The symbol as one percent-encoded path segment: <c>^GSPC</c> → <c>%5EGSPC</c>, <c>M&amp;M.NS</c> → <c>M%26M.NS</c>;
    /// letters, digits, <c>. - _ =</c> stay as they are (<c>BRK-B</c>, <c>0700.HK</c>, <c>EURUSD=X</c>).
    /// </summary>
    public static string ToPathSegment(string symbol)
    {
        Validate(symbol);
        var builder = new StringBuilder(symbol.Length + 8);
        foreach (var c in symbol)
        {
            // '^' is not a legal raw path character (RFC 3986) and '&' would be ambiguous to some proxies; '=' is a
            // sub-delimiter that python-requests leaves raw, as Yahoo's own clients send it.
            if (c is '^' or '&')
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The symbol with control and non-ASCII characters shown as <c>\uXXXX</c>, for messages and logs.</summary>
    internal static string Printable(string? symbol)
    {
        if (symbol is null)
        {
            return "";
        }

        var shown = symbol.Length > 64 ? symbol[..64] : symbol;
        var builder = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            if (c is < ' ' or > '~')
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return symbol.Length > 64 ? builder.Append("…").ToString() : builder.ToString();
    }

    private static string? Check(string? symbol)
    {
        if (string.IsNullOrEmpty(symbol))
        {
            return "it is empty";
        }

        if (symbol.Length > MaxLength)
        {
            return $"it is {symbol.Length} characters long, more than {MaxLength}";
        }

        var hasAlphanumeric = false;
        for (var i = 0; i < symbol.Length; i++)
        {
            var c = symbol[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                hasAlphanumeric = true;
            }
            else if (c is not ('^' or '.' or '-' or '=' or '_' or '&'))
            {
                return $"character '{Printable(c.ToString())}' at position {i} is not allowed";
            }
        }

        // "." and ".." are dot-segments that URL normalisation removes, which would change the path.
        return hasAlphanumeric ? null : "it has no letter or digit";
    }
}
