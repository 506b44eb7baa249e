using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Yahoo.Session;

namespace StockData.UnitTests.Yahoo.Session;

public sealed class YahooSessionTests
{
    private const string Cookie = "A3=d=AQABBsecretcookie&S=AQAAAsecret";
    private const string Crumb = "Ab/cd.Ef12G";

    [Fact]
    public void Version_IsAShortHashOfCookieAndCrumb_AndNamesNoSecret()
    {
        var session = new YahooSession(Cookie, Crumb, DateTimeOffset.UnixEpoch, "cookie-page");
        var same = new YahooSession(Cookie, Crumb, DateTimeOffset.UnixEpoch.AddHours(1), "finance-page");
        var other = new YahooSession(Cookie, "Ab/cd.Ef12H", DateTimeOffset.UnixEpoch, "cookie-page");

        Assert.Matches("^[0-9a-f]{12}$", session.Version);
        Assert.Equal(session.Version, same.Version);
        Assert.NotEqual(session.Version, other.Version);
        Assert.DoesNotContain("secret", session.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Crumb, session.ToString(), StringComparison.Ordinal);
        Assert.Contains(session.Version, session.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithCrumb_UrlEncodesSlashAndKeepsTheRestOfTheQuery()
    {
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "1mo");
        var uri = YahooUrlBuilder.Build(new Uri("https://query2.finance.yahoo.com"), request, "div");

        var wire = YahooUrlBuilder.WithCrumb(uri, "a/b.c+d=");

        Assert.EndsWith("&events=div&crumb=a%2Fb.c%2Bd%3D", wire.AbsoluteUri, StringComparison.Ordinal);
        Assert.StartsWith(uri.AbsoluteUri, wire.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AutoModeOneMinuteAndYahoosHosts()
    {
        var options = new YahooOptions();
        var urls = YahooSessionUrls.From(options);

        Assert.Equal(YahooSessionMode.Auto, options.Session);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MinRefreshInterval);
        Assert.Equal(new Uri("https://fc.yahoo.com/"), urls.CookiePage);
        Assert.Equal(new Uri("https://finance.yahoo.com/quote/AAPL"), urls.FinancePage);
        Assert.Equal(new Uri("https://query1.finance.yahoo.com/v1/test/getcrumb"), urls.Crumb);
    }

    [Fact]
    public void Urls_OfflineBaseUrl_StandsForEveryHost_ConfiguredOnesWin()
    {
        var offline = YahooSessionUrls.From(new YahooOptions { BaseUrl = "http://127.0.0.1:5080/" });
        var configured = YahooSessionUrls.From(new YahooOptions
        {
            BaseUrl = "http://127.0.0.1:5080", CookieUrl = "http://127.0.0.1:6000/x", CrumbUrl = "http://127.0.0.1:6000/v1/test/getcrumb",
        });

        Assert.Equal(new Uri("http://127.0.0.1:5080/"), offline.CookiePage);
        Assert.Equal(new Uri("http://127.0.0.1:5080/quote/AAPL"), offline.FinancePage);
        Assert.Equal(new Uri("http://127.0.0.1:5080/v1/test/getcrumb"), offline.Crumb);
        Assert.Equal(new Uri("http://127.0.0.1:6000/x"), configured.CookiePage);
        Assert.Equal(new Uri("http://127.0.0.1:5080/quote/AAPL"), configured.FinancePage);
        Assert.Equal(new Uri("http://127.0.0.1:6000/v1/test/getcrumb"), configured.Crumb);
    }

    [Theory]
    [InlineData("StockData:Yahoo:Session", "Required", YahooSessionMode.Required)]
    [InlineData("StockData:Yahoo:Session", "off", YahooSessionMode.Off)]
    public void Options_BindsMode(string key, string value, YahooSessionMode expected)
    {
        using var services = Services(new() { [key] = value });

        Assert.Equal(expected, services.GetRequiredService<IOptions<YahooOptions>>().Value.Session);
        Assert.Equal(expected, services.GetRequiredService<IYahooSessionSource>().Mode);
    }

    [Fact]
    public void Options_BadSessionUrls_ReportedNamingTheSetting()
    {
        using var services = Services(new()
        {
            ["StockData:Yahoo:CookieUrl"] = "ftp://fc.yahoo.com",
            ["StockData:Yahoo:CrumbUrl"] = "https://user:pw@query1.finance.yahoo.com/v1/test/getcrumb",
            ["StockData:Yahoo:FinancePageUrl"] = "not a url",
            ["StockData:Yahoo:MinRefreshInterval"] = "-00:00:01",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<YahooOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("StockData:Yahoo:CookieUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("StockData:Yahoo:CrumbUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("StockData:Yahoo:FinancePageUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MinRefreshInterval", StringComparison.Ordinal));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddYahooClient(configuration).BuildServiceProvider();
    }
}
