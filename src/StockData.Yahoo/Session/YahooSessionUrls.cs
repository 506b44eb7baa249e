namespace StockData.Yahoo.Session;

/// <summary>
/// The session's URLs: as configured, or Yahoo's own when <see cref="YahooOptions.BaseUrl"/> is a yahoo.com host, or
/// paths on <see cref="YahooOptions.BaseUrl"/> otherwise (offline one base URL stands for every Yahoo host).
/// </summary>
public sealed record YahooSessionUrls(Uri CookiePage, Uri FinancePage, Uri Crumb)
{
    public const string YahooCookiePage = "https://fc.yahoo.com/";
    public const string YahooFinancePage = "https://finance.yahoo.com/quote/AAPL";
    public const string YahooCrumb = "https://query1.finance.yahoo.com/v1/test/getcrumb";

    public static YahooSessionUrls From(YahooOptions options)
    {
        var baseUri = new Uri(options.BaseUrl);
        var yahoo = baseUri.Host.Equals("yahoo.com", StringComparison.OrdinalIgnoreCase) ||
                    baseUri.Host.EndsWith(".yahoo.com", StringComparison.OrdinalIgnoreCase);
        var root = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new YahooSessionUrls(
            Pick(options.CookieUrl, yahoo ? YahooCookiePage : root + "/"),
            Pick(options.FinancePageUrl, yahoo ? YahooFinancePage : root + "/quote/AAPL"),
            Pick(options.CrumbUrl, yahoo ? YahooCrumb : root + "/v1/test/getcrumb"));
    }

    private static Uri Pick(string? configured, string fallback) => new(string.IsNullOrWhiteSpace(configured) ? fallback : configured);
}
