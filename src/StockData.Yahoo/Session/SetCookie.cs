using System.Globalization;

namespace StockData.Yahoo.Session;

/// <summary>Reads the name and value of one <c>Set-Cookie</c> line (RFC 6265 §5.2), and whether it deletes the cookie.</summary>
internal static class SetCookie
{
    public static bool TryParse(string line, DateTimeOffset now, out string name, out string value, out bool expired)
    {
        name = value = "";
        expired = false;
        var parts = line.Split(';');
        var pair = parts[0];
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }

        // The value runs to the first ';' and may itself hold '=' (Yahoo's A3 is "d=…&S=…").
        name = pair[..equals].Trim();
        value = pair[(equals + 1)..].Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        if (name.Length == 0 || name.Any(c => char.IsControl(c) || c is ' ' or ',' or '"') || value.Any(c => char.IsControl(c) || c is ';' or ','))
        {
            return false;
        }

        foreach (var attribute in parts.Skip(1))
        {
            var eq = attribute.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? attribute : attribute[..eq]).Trim();
            var text = eq < 0 ? "" : attribute[(eq + 1)..].Trim();
            if (key.Equals("Max-Age", StringComparison.OrdinalIgnoreCase) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var maxAge))
            {
                // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
                expired = maxAge <= 0;
                return true;
            }

            if (key.Equals("Expires", StringComparison.OrdinalIgnoreCase) &&
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
            {
                expired = expires <= now;
            }
        }

        return true;
    }
}
