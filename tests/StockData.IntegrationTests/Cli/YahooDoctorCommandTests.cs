using System.Net;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

[Collection(ProcessCollection.Name)]
public sealed class YahooDoctorCommandTests
{
    [Theory]
    [InlineData("none")]
    [InlineData("session")]
    [InlineData("consent")]
    public async Task Doctor_EachAuthMode_ChartSucceedsExit0(string auth)
    {
        await using var sim = await SimulatorProcess.StartAsync("--auth", auth);

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--json", "--base-url", Base(sim.BaseUrl)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        var steps = Steps(json);
        foreach (var name in new[] { "dns", "connect", "cookie-page", "finance-page", "getcrumb", "chart" })
        {
            Assert.True(steps.Any(s => s.Step == name && s.Status == "ok"), $"{name} is not ok:\n{result}");
        }

        Assert.Contains("plain http", steps.Single(s => s.Step == "connect").Detail, StringComparison.Ordinal);
        Assert.Equal(auth == "consent" ? 2 : 0, steps.Count(s => s.Step == "consent" && s.Status == "ok"));
        Assert.All(steps, s => Assert.Equal("direct", s.Egress));
        // Few requests, no loop: one getcrumb, one chart request.
        var stats = await sim.StatsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.Equal(1, ChartRequests(stats));
    }

    [Fact]
    public async Task Doctor_EgressPool_EachEgressThroughItsProxy_ADeadProxyFailsTheRunNamingIt()
    {
        await using var proxy = await PrivateServer.StartTinyproxyAsync("127.0.0.2");
        await using var sim = await SimulatorProcess.StartAsync("--auth", "session");
        var env = new Dictionary<string, string?>
        {
            ["StockData__Yahoo__Egress__0__Id"] = "up",
            ["StockData__Yahoo__Egress__0__Proxy"] = proxy.ConnectionString,
            ["StockData__Yahoo__Egress__1__Id"] = "down",
            // Nothing listens there.
            ["StockData__Yahoo__Egress__1__Proxy"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
        };

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--json", "--base-url", Base(sim.BaseUrl)], env);

        Assert.True(result.ExitCode != 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var egresses = json.RootElement.GetProperty("egresses").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, egresses.Count);
        Assert.StartsWith("up (via http://127.0.0.1:", egresses[0], StringComparison.Ordinal);
        Assert.StartsWith("down (via http://127.0.0.1:", egresses[1], StringComparison.Ordinal);
        var steps = Steps(json);
        var up = steps.Where(s => s.Egress == "up").ToList();
        foreach (var name in new[] { "dns", "connect", "cookie-page", "getcrumb", "chart" })
        {
            Assert.True(up.Any(s => s.Step == name && s.Status == "ok"), $"up: {name} is not ok:\n{result}");
        }

        var down = steps.Where(s => s.Egress == "down").ToList();
        Assert.Contains(down, s => s.Step == "connect" && s.Status == "failed" && s.Detail.StartsWith("proxy: ", StringComparison.Ordinal));
        Assert.Contains(down, s => s.Step == "chart" && s.Status == "skipped");
        // The working egress's requests left through its proxy: the simulator saw them from the proxy's address only.
        var stats = await sim.StatsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["127.0.0.2"], stats.GetProperty("per_client").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Doctor_Text_TableAndVerdict()
    {
        await using var sim = await SimulatorProcess.StartAsync("--auth", "session");

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--base-url", Base(sim.BaseUrl)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("egress", StringComparison.Ordinal) && l.Contains("status", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("direct", StringComparison.Ordinal) && l.Contains("getcrumb", StringComparison.Ordinal) &&
                                    l.Contains(" ok ", StringComparison.Ordinal) && l.Contains("valid crumb", StringComparison.Ordinal));
        Assert.Contains("result: a chart request succeeded", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_GetcrumbThrottled_Exit1_SaysThrottledAndAsksOnce()
    {
        // Burst 1, then one answer per 1,000 s: the test spends the burst, so every later getcrumb is throttled.
        await using var sim = await SimulatorProcess.StartAsync("--auth", "session", "--getcrumb-rate", "0.001");
        var token = TestContext.Current.CancellationToken;
        using (var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }))
        {
            using var page = await http.GetAsync(sim.BaseUrl, token);
            var a3 = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("A3=", StringComparison.Ordinal)).Split(';')[0];
            using var crumbRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.BaseUrl, "/v1/test/getcrumb"));
            crumbRequest.Headers.Add("Cookie", a3);
            using var crumb = await http.SendAsync(crumbRequest, token);
            Assert.Equal(HttpStatusCode.OK, crumb.StatusCode);
        }

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--json", "--base-url", Base(sim.BaseUrl)]);

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var getcrumb = Assert.Single(Steps(json), s => s.Step == "getcrumb");
        Assert.Equal("failed", getcrumb.Status);
        Assert.Contains("throttled", getcrumb.Detail, StringComparison.Ordinal);
        Assert.Contains("add an egress", getcrumb.Advice, StringComparison.Ordinal);
        var chart = Assert.Single(Steps(json), s => s.Step == "chart");
        Assert.Equal("failed", chart.Status);
        Assert.Contains("unauthorized", chart.Detail, StringComparison.Ordinal);
        Assert.Contains("throttled", json.RootElement.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        // The test's ask and the doctor's one: a throttled getcrumb is not asked again with the other strategy's cookies.
        Assert.Equal(2, (await sim.StatsAsync(token)).GetProperty("getcrumb_requests").GetInt64());
    }

    [Fact]
    public async Task Doctor_CrumbRefused_AsksWithEachStrategyOnce_Exit1()
    {
        // The configured hosts (no --base-url): the crumb URL is a finance page, whose HTML is no crumb.
        await using var sim = await SimulatorProcess.StartAsync("--auth", "session");
        var settings = new Dictionary<string, string?>
        {
            ["StockData__Yahoo__BaseUrl"] = Base(sim.BaseUrl),
            ["StockData__Yahoo__CrumbUrl"] = new Uri(sim.BaseUrl, "/quote/CRUMB").ToString(),
        };

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--json"], settings);

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var steps = Steps(json);
        Assert.Equal("ok", steps.Single(s => s.Step == "cookie-page").Status);
        var getcrumbs = steps.Where(s => s.Step == "getcrumb").ToList();
        Assert.Equal(2, getcrumbs.Count);
        Assert.All(getcrumbs, s => Assert.Equal("failed", s.Status));
        Assert.All(getcrumbs, s => Assert.Contains("HTML page", s.Detail, StringComparison.Ordinal));
        Assert.Contains("cookie-page cookies", getcrumbs[0].Detail, StringComparison.Ordinal);
        Assert.Contains("finance-page cookies", getcrumbs[1].Detail, StringComparison.Ordinal);
        Assert.Equal("failed", steps.Single(s => s.Step == "chart").Status);
        Assert.Contains("getcrumb answered 200 with an HTML page", json.RootElement.GetProperty("verdict").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_HostDoesNotResolve_Exit1_DnsFailed()
    {
        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--json", "--base-url", "http://stockdata-doctor.invalid"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var steps = Steps(json);
        var dns = Assert.Single(steps, s => s.Step == "dns");
        Assert.Equal("failed", dns.Status);
        Assert.Contains("does not resolve", dns.Detail, StringComparison.Ordinal);
        Assert.NotNull(dns.Advice);
        Assert.Equal("skipped", steps.Single(s => s.Step == "chart").Status);
        Assert.Contains("does not resolve", json.RootElement.GetProperty("verdict").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ClosedPort_Exit1_ConnectFailed()
    {
        var port = LoopbackPorts.Free();

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--base-url", $"http://127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("ConnectionRefused", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"nothing listens on 127.0.0.1:{port}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("result: no chart request succeeded: TCP connect", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_NeverPrintsTheCookiesOrCrumbItWasGiven_EvenWithTraceLogs()
    {
        await using var sim = await SimulatorProcess.StartAsync("--auth", "consent");
        await using var proxy = new RecordingYahooProxy(sim.BaseUrl);
        var trace = new Dictionary<string, string?>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
            ["Logging__LogLevel__System.Net.Http"] = "Trace",
        };

        var text = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--base-url", Base(proxy.BaseUrl)], trace);
        var json = await ProcessRunner.RunStockDataAsync(["yahoo", "doctor", "--json", "--base-url", Base(proxy.BaseUrl)], trace);

        // Both runs got their sessions through the proxy and used them (consent mode refuses a chart request without).
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(2, proxy.Crumbs.Count);
        Assert.Contains(proxy.CookieValues, v => v.StartsWith("d=", StringComparison.Ordinal)); // the A3 values
        var output = text + "\n" + json;
        // The logs were on, down to HttpClient's own request lines: the values' absence is not for want of output.
        Assert.Contains("/v1/test/getcrumb", text.StandardError, StringComparison.Ordinal);
        Assert.Contains("/v8/finance/chart/AAPL", text.StandardError, StringComparison.Ordinal);
        foreach (var secret in proxy.Crumbs.Concat(proxy.CookieValues).Where(v => v.Length >= 8))
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), output, StringComparison.Ordinal);
        }
    }

    private static string Base(Uri uri) => uri.ToString().TrimEnd('/');

    private static long ChartRequests(JsonElement stats) =>
        stats.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v8/finance/chart/", StringComparison.Ordinal)).Sum(p => p.Value.GetInt64());

    private static List<Row> Steps(JsonDocument json) =>
    [
        .. json.RootElement.GetProperty("steps").EnumerateArray().Select(s => new Row(
            s.GetProperty("egress").GetString()!, s.GetProperty("step").GetString()!, s.GetProperty("status").GetString()!,
            s.GetProperty("detail").GetString()!, s.GetProperty("advice").GetString())),
    ];

    private sealed record Row(string Egress, string Step, string Status, string Detail, string? Advice);
}
