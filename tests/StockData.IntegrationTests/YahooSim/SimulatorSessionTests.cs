using System.Net;
using System.Text.RegularExpressions;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Yahoo;
using StockData.TestSupport;

namespace StockData.IntegrationTests.YahooSim;

/// <summary>
/// The simulator's session modes spoken to as Yahoo is spoken to, by a plain client with cookies kept by hand: what it
/// sets, what it demands, how it expires, throttles and asks for consent, and what /sim/stats counts.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class SimulatorSessionTests
{
    private const string Chart = "/v8/finance/chart/AAPL?range=5d&interval=1d";

    [Fact]
    public async Task Session_CookiePagesSetA3_GetcrumbAnswersTheCrumb_ChartDemandsBoth()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        using var http = new SimHttp(sim.BaseUrl);

        using var fc = await http.GetAsync("/");
        using var quote = await http.GetAsync("/quote/MSFT");
        var (cookie, line) = SimHttp.Cookie(fc, "A3");
        using var chartWithout = await http.GetAsync(Chart);
        using var crumbWithout = await http.GetAsync("/v1/test/getcrumb");
        using var crumbAnswer = await http.GetAsync("/v1/test/getcrumb", cookie);
        var crumb = await crumbAnswer.Content.ReadAsStringAsync();
        using var chartNoCrumb = await http.GetAsync(Chart, cookie);
        using var chartWrongCrumb = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb + "x"), cookie);
        using var chartRawCrumb = await http.GetAsync(Chart + "&crumb=" + crumb, cookie);
        using var chart = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb), cookie);
        using var again = await http.GetAsync("/", cookie);

        // fc.yahoo.com answers 404 and still sets the cookie; the finance page answers 200.
        Assert.Equal(HttpStatusCode.NotFound, fc.StatusCode);
        Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
        Assert.Matches("^A3=d=[^;]+&S=[^;]+$", cookie);
        foreach (var attribute in new[] { "; Domain=.yahoo.com", "; Path=/", "; Secure", "; HttpOnly", "; SameSite=None" })
        {
            Assert.Contains(attribute, line, StringComparison.Ordinal);
        }

        Assert.True(long.Parse(MaxAge().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 30 * 86400, line);
        Assert.Equal(HttpStatusCode.Unauthorized, chartWithout.StatusCode);
        Assert.Equal("Invalid Cookie", await SimHttp.ErrorDescriptionAsync(chartWithout, "chart"));
        Assert.Equal(HttpStatusCode.Unauthorized, crumbWithout.StatusCode);
        Assert.Equal("Invalid Cookie", await SimHttp.ErrorDescriptionAsync(crumbWithout, "finance"));
        Assert.Equal(HttpStatusCode.OK, crumbAnswer.StatusCode);
        Assert.StartsWith("text/plain", crumbAnswer.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9./]{11}$", crumb);
        Assert.Equal(HttpStatusCode.Unauthorized, chartNoCrumb.StatusCode);
        Assert.Equal("Invalid Crumb", await SimHttp.ErrorDescriptionAsync(chartNoCrumb, "chart"));
        Assert.Equal("Invalid Crumb", await SimHttp.ErrorDescriptionAsync(chartWrongCrumb, "chart"));
        // A '/' or '.' left raw in the query still reads as the crumb: only '+' or '%' would change it, and crumbs hold neither.
        Assert.Equal(HttpStatusCode.OK, chartRawCrumb.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.False(again.Headers.Contains("Set-Cookie"), "a client holding a live session gets no new cookie");

        var stats = await sim.StatsAsync();
        Assert.Equal(3, stats.GetProperty("cookie_requests").GetInt64());
        Assert.Equal(2, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.Equal(2, stats.GetProperty("sessions_issued").GetInt64());
        Assert.Equal(4, stats.GetProperty("unauthorized_responses").GetInt64());
        Assert.Equal(0, stats.GetProperty("consent_posts").GetInt64());
        Assert.Equal(5, stats.GetProperty("per_client").GetProperty("127.0.0.1").GetInt64());
    }

    [Fact]
    public async Task SessionTtl_PastIt_TheSessionIsRefused_ANewOneWorks()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session", "--session-ttl", "00:00:01"]);
        using var http = new SimHttp(sim.BaseUrl);

        var (cookie, crumb) = await SessionAsync(http);
        using var fresh = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb), cookie);
        await Task.Delay(TimeSpan.FromSeconds(1.3), TestContext.Current.CancellationToken);
        using var stale = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb), cookie);
        using var staleCrumb = await http.GetAsync("/v1/test/getcrumb", cookie);
        var (cookie2, crumb2) = await SessionAsync(http);
        using var renewed = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb2), cookie2);

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal("Invalid Cookie", await SimHttp.ErrorDescriptionAsync(stale, "chart"));
        Assert.Equal(HttpStatusCode.Unauthorized, staleCrumb.StatusCode);
        Assert.NotEqual(cookie, cookie2);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task GetcrumbRate_Throttled_Alternates429AndA200TooManyRequests()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session", "--getcrumb-rate", "0.05"]);
        using var http = new SimHttp(sim.BaseUrl);
        using var fc = await http.GetAsync("/");
        var (cookie, _) = SimHttp.Cookie(fc, "A3");

        using var first = await http.GetAsync("/v1/test/getcrumb", cookie);
        using var second = await http.GetAsync("/v1/test/getcrumb", cookie);
        using var third = await http.GetAsync("/v1/test/getcrumb", cookie);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Matches("^[A-Za-z0-9./]{11}$", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("Too Many Requests", await second.Content.ReadAsStringAsync());
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("Too Many Requests", await third.Content.ReadAsStringAsync());
        var stats = await sim.StatsAsync();
        Assert.Equal(3, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.Equal(2, stats.GetProperty("getcrumb_throttled").GetInt64());
    }

    [Fact]
    public async Task Consent_CookiePageRedirectsToAForm_AnsweredFormLeadsToTheSession()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "consent"]);
        using var http = new SimHttp(sim.BaseUrl);

        using var fc = await http.GetAsync("/quote/AAPL");
        Assert.Equal(HttpStatusCode.Found, fc.StatusCode);
        Assert.StartsWith("/consent?sessionId=", fc.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.False(fc.Headers.GetValues("Set-Cookie").Any(l => l.StartsWith("A3=", StringComparison.Ordinal)), "no session before consent");
        var (gucs, _) = SimHttp.Cookie(fc, "GUCS");

        using var page = await http.GetAsync(fc.Headers.Location.PathAndQuery, gucs);
        var html = await page.Content.ReadAsStringAsync();
        var csrf = Hidden(html, "csrfToken");
        var sessionId = Hidden(html, "sessionId");
        var action = new Uri(sim.BaseUrl, System.Net.WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value));
        KeyValuePair<string, string>[] Form(string token) =>
        [
            new("agree", "agree"), new("agree", "agree"), new("consentUUID", "default"), new("sessionId", sessionId),
            new("csrfToken", token), new("originalDoneUrl", "https://finance.yahoo.com/"), new("namespace", "yahoo"),
        ];

        using var forged = await http.PostFormAsync(action, Form(csrf + "x"), gucs);
        using var page2 = await http.GetAsync(fc.Headers.Location.PathAndQuery, gucs);
        var html2 = await page2.Content.ReadAsStringAsync();
        var action2 = new Uri(sim.BaseUrl, System.Net.WebUtility.HtmlDecode(FormAction().Match(html2).Groups[1].Value));
        sessionId = Hidden(html2, "sessionId");
        using var posted = await http.PostFormAsync(action2, Form(Hidden(html2, "csrfToken")), gucs);
        var (consent, _) = SimHttp.Cookie(posted, "EuConsent");
        using var copied = await http.GetAsync(posted.Headers.Location!.PathAndQuery, gucs + "; " + consent);
        var (a3, _) = SimHttp.Cookie(copied, "A3");
        var cookies = $"{gucs}; {consent}; {a3}";
        using var done = await http.GetAsync(copied.Headers.Location!.PathAndQuery, cookies);
        using var crumbAnswer = await http.GetAsync("/v1/test/getcrumb", cookies);
        var crumb = await crumbAnswer.Content.ReadAsStringAsync();
        using var chart = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb), cookies);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Found, posted.StatusCode);
        Assert.StartsWith("/copyConsent?sessionId=", posted.Headers.Location.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, copied.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, crumbAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        var stats = await sim.StatsAsync();
        Assert.Equal(2, stats.GetProperty("consent_posts").GetInt64());
        Assert.Equal(1, stats.GetProperty("sessions_issued").GetInt64());
    }

    [Fact]
    public async Task RatePerClient_EachAddressHasItsOwnBucket_BesideTheGlobalRate()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--rate-per-client", "0.1", "--burst-per-client", "2"]);
        using var first = new SimHttp(sim.BaseUrl);
        using var second = new SimHttp(sim.BaseUrl, IPAddress.Parse("127.0.0.2"));

        var firstStatuses = new List<HttpStatusCode>();
        var secondStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var a = await first.GetAsync(Chart);
            firstStatuses.Add(a.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var b = await second.GetAsync(Chart);
            secondStatuses.Add(b.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], firstStatuses);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], secondStatuses);
        var stats = await sim.StatsAsync();
        Assert.Equal(3, stats.GetProperty("per_client").GetProperty("127.0.0.1").GetInt64());
        Assert.Equal(2, stats.GetProperty("per_client").GetProperty("127.0.0.2").GetInt64());
        Assert.Equal(1, stats.GetProperty("per_client_429").GetProperty("127.0.0.1").GetInt64());
        Assert.False(stats.GetProperty("per_client_429").TryGetProperty("127.0.0.2", out _));
    }

    [Fact]
    public async Task AuthNone_ChartNeedsNoSession_ButTheSessionPagesStillAnswer()
    {
        await using var sim = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        using var http = new SimHttp(sim.BaseUrl);

        using var chart = await http.GetAsync(Chart);
        var (cookie, crumb) = await SessionAsync(http);
        using var withSession = await http.GetAsync(Chart + "&crumb=" + Uri.EscapeDataString(crumb), cookie);

        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withSession.StatusCode);
        Assert.Equal(0, (await sim.StatsAsync()).GetProperty("unauthorized_responses").GetInt64());
    }

    [Fact]
    public async Task BadAuth_ExitsWithOneLineNamingTheChoices()
    {
        var result = await ProcessRunner.RunAsync("dotnet", [RepoPaths.SimulatorDll, "--urls", "http://127.0.0.1:0", "--auth", "cookie"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--auth (YahooSim__Auth) must be none, session or consent", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<(string Cookie, string Crumb)> SessionAsync(SimHttp http)
    {
        using var fc = await http.GetAsync("/");
        var (cookie, _) = SimHttp.Cookie(fc, "A3");
        using var crumb = await http.GetAsync("/v1/test/getcrumb", cookie);
        Assert.Equal(HttpStatusCode.OK, crumb.StatusCode);
        return (cookie, await crumb.Content.ReadAsStringAsync());
    }

    private static string Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{name}\" value=\"([^\"]+)\"", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, $"no hidden {name} in the consent page");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("Max-Age=(\\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex MaxAge();

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex FormAction();
}
