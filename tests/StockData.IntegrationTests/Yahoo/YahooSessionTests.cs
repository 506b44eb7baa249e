using System.Net;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using StockData.Yahoo.Client;
using StockData.Yahoo.Parsing;
using StockData.Yahoo.Session;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>
/// The product's Yahoo composition against real simulator processes in each auth mode: it obtains one session (cookie,
/// consent when asked, crumb) for many requests, sends it on every chart request, recovers from an expired one, obeys
/// the mode, backs off a throttled getcrumb, and never lets a cookie or crumb value into a log or an exception.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class YahooSessionTests
{
    private static readonly YahooChartRequest Request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d");

    [Theory]
    [InlineData("none")]
    [InlineData("session")]
    [InlineData("consent")]
    public async Task EachAuthMode_ConcurrentRequests_ShareOneSession_AllServed(string auth)
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", auth]);
        using var host = new YahooClientHost(sim.BaseUrl);
        var symbols = new[] { "AAPL", "MSFT", "SAP.DE", "^GSPC", "BRK-B", "EURUSD=X", "BTC-USD", "7203.T" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            host.Client.GetChartAsync(YahooChartRequest.ForRange(symbols[i % symbols.Length], BarInterval.Daily, "5d"),
                cancellationToken: TestContext.Current.CancellationToken)));
        try
        {
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.All(responses, r => Assert.Equal(YahooSessionFailure.None, r.SessionFailure));
            Assert.Single(responses.Select(r => r.SessionVersion).Distinct());
            Assert.NotNull(responses[0].SessionVersion);
            Assert.DoesNotContain("crumb", responses[0].RequestUri.Query, StringComparison.Ordinal);
            var parsed = ChartParser.Parse(responses[0].Body.Span, new ChartResponseInfo(200) { Interval = BarInterval.Daily });
            Assert.Null(parsed.Error);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        var stats = await sim.StatsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("sessions_issued").GetInt64());
        Assert.Equal(auth == "consent" ? 1 : 0, stats.GetProperty("consent_posts").GetInt64());
        Assert.Equal(0, stats.GetProperty("unauthorized_responses").GetInt64());
        var session = await host.Sessions.GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(auth == "consent" ? "cookie-page+consent" : "cookie-page", session!.Strategy);
    }

    [Fact]
    public async Task CookiePageWithoutCookie_TheFinancePageStrategyGetsTheSession()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?>
        {
            ["StockData:Yahoo:CookieUrl"] = new Uri(sim.BaseUrl, "/no-cookie-here").ToString(),
        });

        using var response = await host.Client.GetChartAsync(Request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("finance-page", (await host.Sessions.GetAsync(TestContext.Current.CancellationToken))!.Strategy);
    }

    [Fact]
    public async Task ModeOff_NeverAsks_AndASessionDemandingServerRefusesAsASessionFailure()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?> { ["StockData:Yahoo:Session"] = "off" });

        using var response = await host.Client.GetChartAsync(Request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(YahooSessionFailure.Refused, response.SessionFailure);
        Assert.Null(response.SessionVersion);
        var parsed = ChartParser.Parse(response.Body.Span, new ChartResponseInfo(401) { SessionFailure = response.SessionFailure });
        Assert.Equal(FetchErrorCategory.Unauthorized, parsed.Error?.Category);
        var stats = await sim.StatsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, stats.GetProperty("cookie_requests").GetInt64());
        Assert.Equal(0, stats.GetProperty("getcrumb_requests").GetInt64());
    }

    [Fact]
    public async Task NoCrumbObtainable_AutoGoesWithout_RequiredFailsBeforeSending()
    {
        await using var sim = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        var broken = new Dictionary<string, string?> { ["StockData:Yahoo:CrumbUrl"] = new Uri(sim.BaseUrl, "/v1/test/no-crumb").ToString() };
        using var auto = new YahooClientHost(sim.BaseUrl, settings: broken);
        using var required = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?>(broken) { ["StockData:Yahoo:Session"] = "required" });

        using var withoutSession = await auto.Client.GetChartAsync(Request, cancellationToken: TestContext.Current.CancellationToken);
        var before = (await sim.StatsAsync(TestContext.Current.CancellationToken)).GetProperty("total_requests").GetInt64();
        var ex = await Assert.ThrowsAsync<YahooSessionUnavailableException>(() =>
            required.Client.GetChartAsync(Request, cancellationToken: TestContext.Current.CancellationToken));
        var after = (await sim.StatsAsync(TestContext.Current.CancellationToken)).GetProperty("total_requests").GetInt64();

        Assert.Equal(HttpStatusCode.OK, withoutSession.StatusCode);
        Assert.Null(withoutSession.SessionVersion);
        Assert.Equal(YahooSessionErrorKind.CrumbRejected, auto.Sessions.LastError?.Kind);
        Assert.Contains("getcrumb answered HTTP 404", ex.Message, StringComparison.Ordinal);
        Assert.Contains("required", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task ExpiredSession_Refused_DroppedByVersion_TheNextRequestCarriesANewOne()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session", "--session-ttl", "00:00:01"]);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?> { ["StockData:Yahoo:MinRefreshInterval"] = "00:00:00" });
        var token = TestContext.Current.CancellationToken;

        using var first = await host.Client.GetChartAsync(Request, cancellationToken: token);
        await Task.Delay(TimeSpan.FromSeconds(1.3), token);
        using var stale = await host.Client.GetChartAsync(Request, cancellationToken: token);
        // The refusal dropped that version already: dropping it again finds nothing.
        var droppedAgain = await host.Sessions.InvalidateAsync(stale.SessionVersion!, token);
        using var renewed = await host.Client.GetChartAsync(Request, cancellationToken: token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(YahooSessionFailure.Refused, stale.SessionFailure);
        Assert.Equal(first.SessionVersion, stale.SessionVersion);
        Assert.False(droppedAgain);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.NotEqual(first.SessionVersion, renewed.SessionVersion);
        var stats = await sim.StatsAsync(token);
        Assert.Equal(2, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("unauthorized_responses").GetInt64());
    }

    [Fact]
    public async Task Invalidate_OnlyTheCurrentVersion_AnOldRefusalKeepsTheNewSession()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?> { ["StockData:Yahoo:MinRefreshInterval"] = "00:00:00" });
        var token = TestContext.Current.CancellationToken;

        var first = await host.Sessions.GetAsync(token);
        Assert.True(await host.Sessions.InvalidateAsync(first!.Version, token));
        var second = await host.Sessions.GetAsync(token);
        var droppedByOldRefusal = await host.Sessions.InvalidateAsync(first.Version, token);
        var current = await host.Sessions.GetAsync(token);

        Assert.NotEqual(first.Version, second!.Version);
        Assert.False(droppedByOldRefusal);
        Assert.Same(second, current);
        Assert.Equal(2, (await sim.StatsAsync(token)).GetProperty("getcrumb_requests").GetInt64());
    }

    [Fact]
    public async Task MinRefreshInterval_AfterAnInvalidation_NoNewAttemptUntilItHasPassed()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var host = new YahooClientHost(sim.BaseUrl, time: time);
        var token = TestContext.Current.CancellationToken;

        var first = await host.Sessions.GetAsync(token);
        await host.Sessions.InvalidateAsync(first!.Version, token);
        time.Advance(TimeSpan.FromSeconds(59));
        var tooSoon = await host.Sessions.GetAsync(token);
        using var withoutSession = await host.Client.GetChartAsync(Request, cancellationToken: token);
        time.Advance(TimeSpan.FromSeconds(1));
        var due = await host.Sessions.GetAsync(token);

        Assert.Null(tooSoon);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutSession.StatusCode);
        Assert.Null(withoutSession.SessionVersion);
        Assert.NotNull(due);
        Assert.NotEqual(first.Version, due.Version);
        Assert.Equal(2, (await sim.StatsAsync(token)).GetProperty("getcrumb_requests").GetInt64());
    }

    [Fact]
    public async Task GetcrumbThrottled_ARateLimitAnswer_NoSecondAskUntilTheIntervalPasses()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--getcrumb-rate", "0.02"]);
        var token = TestContext.Current.CancellationToken;
        using (var http = new YahooSim.SimHttp(sim.BaseUrl))
        {
            // Spend getcrumb's one token, as another process behind the same address would have.
            using var fc = await http.GetAsync("/");
            using var spent = await http.GetAsync("/v1/test/getcrumb", YahooSim.SimHttp.Cookie(fc, "A3").Pair);
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }

        using var host = new YahooClientHost(sim.BaseUrl);
        using var first = await host.Client.GetChartAsync(Request, cancellationToken: token);
        using var second = await host.Client.GetChartAsync(Request, cancellationToken: token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Null(first.SessionVersion);
        Assert.Equal(YahooSessionErrorKind.CrumbRateLimited, host.Sessions.LastError?.Kind);
        Assert.Contains("throttled", host.Sessions.LastError!.Message, StringComparison.Ordinal);
        Assert.Null(second.SessionVersion);
        // One refused ask; the finance page was not tried after it, and the second request did not ask again.
        var stats = await sim.StatsAsync(token);
        Assert.Equal(2, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.Equal(2, stats.GetProperty("cookie_requests").GetInt64());
    }

    [Fact]
    public async Task Secrets_NoCookieOrCrumbValue_InAnyLogLineOrExceptionMessage()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "consent", "--session-ttl", "00:00:01"]);
        var logs = new CapturedLogs();
        using var host = new YahooClientHost(sim.BaseUrl, logs: logs, settings: new Dictionary<string, string?>
        {
            ["StockData:Yahoo:MinRefreshInterval"] = "00:00:00",
        });
        var token = TestContext.Current.CancellationToken;
        var secrets = new List<string>();
        var messages = new List<string>();

        using (var ok = await host.Client.GetChartAsync(Request, cancellationToken: token))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            messages.Add(ok.RequestUri.ToString());
        }

        secrets.AddRange(Secrets(await host.Sessions.GetAsync(token)));
        using (var small = new YahooClientHost(sim.BaseUrl, logs: logs, settings: new Dictionary<string, string?> { ["StockData:Yahoo:MaxResponseBytes"] = "2048" }))
        {
            var tooLarge = await Assert.ThrowsAsync<YahooResponseTooLargeException>(() =>
                small.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "max"), cancellationToken: token));
            messages.Add(tooLarge.ToString());
            secrets.AddRange(Secrets(await small.Sessions.GetAsync(token)));
        }

        await Task.Delay(TimeSpan.FromSeconds(1.3), token);
        using (var stale = await host.Client.GetChartAsync(Request, cancellationToken: token))
        {
            Assert.Equal(YahooSessionFailure.Refused, stale.SessionFailure);
            messages.Add(ChartParser.Parse(stale.Body.Span, new ChartResponseInfo(401) { SessionFailure = stale.SessionFailure }).Error!.Message);
        }

        using (var renewed = await host.Client.GetChartAsync(Request, cancellationToken: token))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        secrets.AddRange(Secrets(await host.Sessions.GetAsync(token)));
        using var required = new YahooClientHost(sim.BaseUrl, logs: logs, settings: new Dictionary<string, string?>
        {
            ["StockData:Yahoo:Session"] = "required",
            ["StockData:Yahoo:CrumbUrl"] = new Uri(sim.BaseUrl, "/quote/CRUMB").ToString(),
        });
        var unavailable = await Assert.ThrowsAsync<YahooSessionUnavailableException>(() => required.Client.GetChartAsync(Request, cancellationToken: token));
        messages.Add(unavailable.ToString());

        Assert.Equal(6, secrets.Count);
        Assert.Contains(logs.Entries, e => e.Id.Id == 2010);
        Assert.Contains(logs.Entries, e => e.Id.Id == 2013);
        // HttpClient's own logs name every request URI: the crumb's absence below is not for want of URIs in the logs.
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) &&
                                           e.Text.Contains("/v8/finance/chart/AAPL", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Text.Contains("/v1/test/getcrumb", StringComparison.Ordinal));
        var text = logs.Text + "\n" + string.Join('\n', messages);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), text, StringComparison.Ordinal);
        }
    }

    /// <summary>A session's crumb and the value of each of its cookies.</summary>
    private static IEnumerable<string> Secrets(YahooSession? session)
    {
        Assert.NotNull(session);
        yield return session.Crumb;
        var a3 = session.CookieHeader.Split("; ").Single(c => c.StartsWith("A3=", StringComparison.Ordinal));
        yield return a3["A3=".Length..];
    }
}
