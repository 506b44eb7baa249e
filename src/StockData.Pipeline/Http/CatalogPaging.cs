using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using StockData.Storage.Postgres.Catalog;

namespace StockData.Pipeline.Http;

/// <summary>
/// Keyset paging for the catalog listings: <c>limit</c> rows after an opaque <c>cursor</c>, the sort key of the previous
/// page's last row. Chosen over an offset because a page then costs the same wherever it is (an offset makes the
/// server walk past every skipped row) and a row added or removed between two requests does not shift the pages
/// (an offset would repeat or skip a row).
/// </summary>
internal static class CatalogPaging
{
    /// <summary>Reads <c>limit</c> (1 to <paramref name="max"/>, default <paramref name="fallback"/>) and <c>cursor</c>; a problem names the bad one.</summary>
    public static bool TryRead(HttpRequest request, int fallback, int max, out int limit, out CatalogKey? after, out IResult problem)
    {
        limit = fallback;
        after = null;
        problem = Results.Empty;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > max))
        {
            problem = ParameterProblem.For("limit", $"'{limitText}' is not a whole number from 1 to {max}");
            return false;
        }

        var cursorText = request.Query["cursor"].ToString();
        if (cursorText.Length > 0 && (after = Decode(cursorText)) is null)
        {
            problem = ParameterProblem.For("cursor", "not a cursor this endpoint returned (pass next_cursor unchanged)");
            return false;
        }

        return true;
    }

    /// <summary>The cursor after <paramref name="last"/> when the page is full (there may be more), else null.</summary>
    public static string? Next(int count, int limit, CatalogKey last) => count < limit ? null : Encode(last);

    /// <summary>Sets the RFC 8288 <c>Link: rel="next"</c> header (CSV pages have no body field for the cursor).</summary>
    public static void LinkNext(HttpContext context, string? cursor)
    {
        if (cursor is null)
        {
            return;
        }

        var request = context.Request;
        var query = QueryString.Create(request.Query.Where(p => p.Key != "cursor").SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("cursor", cursor)));
        context.Response.Headers.Link = $"<{request.PathBase}{request.Path}{query}>; rel=\"next\"";
    }

    private static string Encode(CatalogKey key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key.First + "\n" + key.Second));

    private static CatalogKey? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var split = text.Split('\n');
            return split.Length == 2 && split[0].Length > 0 && split[1].Length > 0 ? new CatalogKey(split[0], split[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
