using System.Text;
using StockData.Core;
using StockData.Yahoo.Parsing;
using StockData.Yahoo.Session;

namespace StockData.UnitTests.Yahoo.Session;

public sealed class YahooSessionClassifierTests
{
    [Theory]
    [InlineData(401, """{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}""", false)]
    [InlineData(401, """{"chart":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Cookie"}}}""", false)]
    [InlineData(403, "Invalid cookie", false)]
    [InlineData(401, """{"finance":{"result":null,"error":{"code":"Unauthorized","description":"User is unable to access this feature"}}}""", true)]
    public void Classify_RefusedSession(int status, string body, bool sessionSent)
    {
        Assert.Equal(YahooSessionFailure.Refused, YahooSessionClassifier.Classify(status, null, Encoding.UTF8.GetBytes(body), sessionSent));
    }

    [Theory]
    [InlineData(401, "User is unable to access this feature", false)]
    [InlineData(403, "Forbidden", true)]
    [InlineData(429, "Too Many Requests", true)]
    [InlineData(404, """{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}""", true)]
    [InlineData(503, "<!DOCTYPE html><html><body>Will be right back</body></html>", true)]
    [InlineData(200, """{"chart":{"result":[],"error":null}}""", true)]
    [InlineData(200, "", true)]
    public void Classify_NotASessionFailure(int status, string body, bool sessionSent)
    {
        Assert.Equal(YahooSessionFailure.None, YahooSessionClassifier.Classify(status, null, Encoding.UTF8.GetBytes(body), sessionSent));
    }

    [Theory]
    [InlineData("https://guce.yahoo.com/consent?brandType=eu", YahooSessionFailure.Redirected)]
    [InlineData("https://consent.yahoo.com/v2/collectConsent?sessionId=1", YahooSessionFailure.Redirected)]
    [InlineData("https://login.yahoo.com/", YahooSessionFailure.Redirected)]
    [InlineData("http://127.0.0.1:5080/consent?sessionId=3_cc-session_x", YahooSessionFailure.Redirected)]
    [InlineData("https://query1.finance.yahoo.com/v8/finance/chart/AAPL", YahooSessionFailure.None)]
    public void Classify_Redirect_OnlyToConsentOrLogin(string location, YahooSessionFailure expected)
    {
        Assert.Equal(expected, YahooSessionClassifier.Classify(302, new Uri(location), [], sessionSent: false));
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><head><title>Yahoo</title></head><body><form>…</form></body></html>")]
    [InlineData("\uFEFF\n  <html lang=\"en\"><body>consent</body></html>")]
    public void Classify_Html200_HtmlBody(string body)
    {
        Assert.Equal(YahooSessionFailure.HtmlBody, YahooSessionClassifier.Classify(200, null, Encoding.UTF8.GetBytes(body), sessionSent: true));
    }

    [Fact]
    public void Parse_WithSessionFailure_UnauthorizedNotMalformed()
    {
        var html = "<!DOCTYPE html><html><body>consent</body></html>"u8;

        var plain = ChartParser.Parse(html, new ChartResponseInfo(200) { Symbol = "AAPL" });
        var flagged = ChartParser.Parse(html, new ChartResponseInfo(200) { Symbol = "AAPL", SessionFailure = YahooSessionFailure.HtmlBody });

        Assert.Equal(FetchErrorCategory.Malformed, plain.Error?.Category);
        Assert.Equal(FetchErrorCategory.Unauthorized, flagged.Error?.Category);
        Assert.Contains("HtmlBody", flagged.Error!.Message, StringComparison.Ordinal);
    }
}
