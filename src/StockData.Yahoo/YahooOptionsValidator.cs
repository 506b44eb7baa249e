using Microsoft.Extensions.Options;
using StockData.Yahoo.Egress;

namespace StockData.Yahoo;

/// <summary>Rules the attributes cannot say: well-formed hosts, header-safe strings, timeouts that fit together.</summary>
public sealed partial class YahooOptionsValidator : IValidateOptions<YahooOptions>
{
    private const string HowToSet = "set it with the environment variable StockData__Yahoo__{0} or StockData.Yahoo.{0} in appsettings.json";

    public ValidateOptionsResult Validate(string? name, YahooOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (CheckBaseUrl(options.BaseUrl, nameof(YahooOptions.BaseUrl), required: true) is { } baseUrlError)
        {
            builder.AddError(baseUrlError);
        }

        if (CheckBaseUrl(options.FallbackBaseUrl, nameof(YahooOptions.FallbackBaseUrl), required: false) is { } fallbackError)
        {
            builder.AddError(fallbackError);
        }

        foreach (var (value, setting) in new[]
                 {
                     (options.CookieUrl, nameof(YahooOptions.CookieUrl)), (options.FinancePageUrl, nameof(YahooOptions.FinancePageUrl)),
                     (options.CrumbUrl, nameof(YahooOptions.CrumbUrl)),
                 })
        {
            if (CheckSessionUrl(value, setting) is { } sessionUrlError)
            {
                builder.AddError(sessionUrlError);
            }
        }

        if (!Enum.IsDefined(options.Session))
        {
            builder.AddError($"StockData:Yahoo:Session must be auto, required or off: {string.Format(null, HowToSet, nameof(YahooOptions.Session))}");
        }

        foreach (var error in CheckEgresses(options.Egress))
        {
            builder.AddError(error);
        }

        CheckHeader(builder, options.UserAgent, nameof(YahooOptions.UserAgent));
        CheckHeader(builder, options.AcceptLanguage, nameof(YahooOptions.AcceptLanguage));

        if (options.ConnectTimeout > options.AttemptTimeout)
        {
            builder.AddError(
                $"StockData:Yahoo:ConnectTimeout ({options.ConnectTimeout}) must not exceed StockData:Yahoo:AttemptTimeout " +
                $"({options.AttemptTimeout}): a connection is part of an attempt; " + string.Format(null, HowToSet, nameof(YahooOptions.ConnectTimeout)));
        }

        return builder.Build();
    }

    /// <summary>Returns an error message, or null when the value is an absolute http(s) URL with nothing a path could be appended to wrongly.</summary>
    internal static string? CheckBaseUrl(string? value, string setting, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required
                ? $"StockData:Yahoo:{setting} is empty: {string.Format(null, HowToSet, setting)} (e.g. https://query2.finance.yahoo.com)"
                : null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"StockData:Yahoo:{setting} '{value}' must be an absolute http or https URL without user info, query or fragment " +
                   $"(e.g. https://query2.finance.yahoo.com): {string.Format(null, HowToSet, setting)}";
        }

        return null;
    }

    /// <summary>A session URL may carry a path and a query (a finance page), but must be absolute http(s) without user info.</summary>
    private static string? CheckSessionUrl(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return $"StockData:Yahoo:{setting} '{value}' must be an absolute http or https URL without user info or fragment " +
                   $"(or empty for the default): {string.Format(null, HowToSet, setting)}";
        }

        return null;
    }

    /// <summary>The egress pool's rules: ids unique and usable inside a Redis hash tag, proxies absolute http URLs.</summary>
    public static IEnumerable<string> CheckEgresses(IReadOnlyList<YahooEgressOptions> egresses)
    {
        const string How = "set them as StockData__Yahoo__Egress__N__Id / __Proxy or StockData.Yahoo.Egress[N] in appsettings.json";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < egresses.Count; i++)
        {
            var egress = egresses[i];
            if (egress is null)
            {
                yield return $"StockData:Yahoo:Egress:{i} is empty: each egress needs an Id; {How}";
                continue;
            }

            if (string.IsNullOrEmpty(egress.Id) || !EgressIdPattern().IsMatch(egress.Id))
            {
                yield return $"StockData:Yahoo:Egress:{i}:Id '{egress.Id}' must be 1-64 characters of A-Z, a-z, 0-9, _ . : - " +
                             $"(it goes into Redis keys and metric labels); {How}";
            }
            else if (!seen.Add(egress.Id))
            {
                yield return $"StockData:Yahoo:Egress:{i}:Id '{egress.Id}' is used twice: each egress has its own bucket and session, keyed by its id; {How}";
            }

            if (!string.IsNullOrWhiteSpace(egress.Proxy) &&
                (!Uri.TryCreate(egress.Proxy, UriKind.Absolute, out var proxy) || proxy.Scheme != Uri.UriSchemeHttp ||
                 proxy.AbsolutePath != "/" || !string.IsNullOrEmpty(proxy.Query) || !string.IsNullOrEmpty(proxy.Fragment)))
            {
                yield return $"StockData:Yahoo:Egress:{i}:Proxy '{egress.Proxy}' must be an absolute http URL of a forward proxy " +
                             $"(e.g. http://10.0.0.5:8888), or empty for a direct egress; {How}";
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex EgressIdPattern();

    private static void CheckHeader(ValidateOptionsResultBuilder builder, string? value, string setting)
    {
        // A CR or LF in a header value would let configuration inject headers; HttpClient rejects it too, but only at the first request.
        if (value is not null && value.Any(c => char.IsControl(c) || c > '\u007e'))
        {
            builder.AddError($"StockData:Yahoo:{setting} must be printable ASCII without control characters: {string.Format(null, HowToSet, setting)}");
        }
    }
}
