using System.Globalization;
using System.Text;

namespace StockData.Yahoo.Client;

/// <summary>Builds <c>{base}/v8/finance/chart/{segment}?…</c> and proves the result kept the base's host and path.</summary>
public static class YahooUrlBuilder
{
    public const string ChartPath = "/v8/finance/chart/";

    public static Uri Build(Uri baseUri, YahooChartRequest request, string events)
    {
        var segment = YahooSymbol.ToPathSegment(request.Symbol);
        var prefix = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var text = new StringBuilder(prefix.Length + 160).Append(prefix).Append(ChartPath).Append(segment).Append('?');
        if (request.Range is { } range)
        {
            text.Append("range=").Append(range);
        }
        else
        {
            text.Append("period1=").Append(request.Period1!.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
                .Append("&period2=").Append(request.Period2!.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }

        text.Append("&interval=").Append(request.Interval.Token);
        if (events.Length > 0)
        {
            text.Append("&events=").Append(Uri.EscapeDataString(events));
        }

        if (request.IncludePrePost)
        {
            text.Append("&includePrePost=true");
        }

        var uri = new Uri(text.ToString(), UriKind.Absolute);

        // Defence in depth: the allow-list already makes this impossible, but if a future change widened it, a symbol
        // that moved the request elsewhere must fail here rather than be sent.
        var expectedPath = baseUri.AbsolutePath.TrimEnd('/') + ChartPath + segment;
        if (!string.Equals(uri.IdnHost, baseUri.IdnHost, StringComparison.OrdinalIgnoreCase) || uri.Port != baseUri.Port ||
            !string.Equals(uri.AbsolutePath, expectedPath, StringComparison.Ordinal))
        {
            throw new InvalidYahooSymbolException(request.Symbol, $"it would change the request target to '{uri}'");
        }

        return uri;
    }

    /// <summary>
    /// <paramref name="uri"/> with <c>&amp;crumb=</c> appended, URL-encoded (a crumb may hold '/'). Only the request on the
    /// wire carries it: the URL kept in responses, logs and exceptions is the one without.
    /// </summary>
    public static Uri WithCrumb(Uri uri, string crumb) => new(uri.OriginalString + "&crumb=" + Uri.EscapeDataString(crumb), UriKind.Absolute);
}
