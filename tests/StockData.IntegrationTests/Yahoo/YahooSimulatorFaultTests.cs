using System.Net;
using System.Text;
using System.Text.Json;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>The client against simulators started with limits and faults: each test starts the process it needs.</summary>
[Collection(ProcessCollection.Name)]
public sealed class YahooSimulatorFaultTests
{
    private static readonly DateTimeOffset Now = SimulatorFixture.Now;

    [Fact]
    public async Task RateLimit_PastTheBurst_429PlainTextWithRetryAfter()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--rate", "0.2", "--burst", "2"]);
        using var host = new YahooClientHost(sim.BaseUrl);
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d");

        using var first = await host.Client.GetChartAsync(request);
        using var second = await host.Client.GetChartAsync(request);
        using var third = await host.Client.GetChartAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.StartsWith("text/plain", third.ContentType, StringComparison.Ordinal);
        Assert.Equal("Too Many Requests", Encoding.UTF8.GetString(third.Body.Span));
        // At 0.2 tokens/s the next token is up to 5 s away; the header is whole seconds, at least 1.
        Assert.NotNull(third.RetryAfter);
        Assert.InRange(third.RetryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var stats = await sim.StatsAsync();
        Assert.Equal(1, stats.GetProperty("rate_limited_429").GetInt64());
        Assert.Equal(1, stats.GetProperty("responses_429").GetInt64());
        Assert.Equal(2, stats.GetProperty("responses_by_status").GetProperty("200").GetInt64());
    }

    [Fact]
    public async Task SizeCap_BodyLargerThanLimit_FailsWhileReading_EvenWhenGzipOnTheWireIsSmaller()
    {
        await using var sim = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?> { ["StockData:Yahoo:MaxResponseBytes"] = "8192" });
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "3mo");

        // What the server sends: a gzip body below the cap that inflates past it, so only the streaming check can catch it.
        using var raw = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
        using var message = new HttpRequestMessage(HttpMethod.Get, sim.Chart("AAPL", "range=3mo&interval=1d&events=div%7Csplit%7CcapitalGains"));
        message.Headers.AcceptEncoding.ParseAdd("gzip");
        using var wire = await raw.SendAsync(message);
        Assert.Equal("gzip", Assert.Single(wire.Content.Headers.ContentEncoding));
        Assert.True(wire.Content.Headers.ContentLength < 8192, $"wire length {wire.Content.Headers.ContentLength}");

        var ex = await Assert.ThrowsAsync<YahooResponseTooLargeException>(() => host.Client.GetChartAsync(request));
        Assert.Equal(8192, ex.Limit);
        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);

        using var small = await host.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d"));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task SizeCap_DeclaredLengthAboveLimit_RefusedBeforeReading()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--gzip", "false"]);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?> { ["StockData:Yahoo:MaxResponseBytes"] = "65536" });

        await Assert.ThrowsAsync<YahooResponseTooLargeException>(() =>
            host.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "10y")));
    }

    [Fact]
    public async Task AttemptTimeout_SlowFault_TimesOut_WhileCallerCancellationStaysCancellation()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--fault-slow", "1", "--slow-delay", "00:01:00"]);
        using var host = new YahooClientHost(sim.BaseUrl, settings: new Dictionary<string, string?>
        {
            ["StockData:Yahoo:AttemptTimeout"] = "00:00:01",
            ["StockData:Yahoo:ConnectTimeout"] = "00:00:01",
        });
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d");

        var timeout = await Assert.ThrowsAsync<YahooAttemptTimeoutException>(() => host.Client.GetChartAsync(request));
        Assert.Equal(TimeSpan.FromSeconds(1), timeout.Timeout);
        Assert.IsAssignableFrom<TimeoutException>(timeout);

        using var patient = new YahooClientHost(sim.BaseUrl);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.Client.GetChartAsync(request, 0, cancel.Token));
        Assert.IsNotType<YahooAttemptTimeoutException>(cancelled);

        var stats = await sim.StatsAsync();
        Assert.Equal(2, stats.GetProperty("faults").GetProperty("slow").GetInt64());
    }

    [Fact]
    public async Task ConnectionReset_SurfacesAsHttpRequestException()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--fault-reset", "1"]);
        using var host = new YahooClientHost(sim.BaseUrl);

        await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d")));

        var stats = await sim.StatsAsync();
        Assert.Equal(1, stats.GetProperty("faults").GetProperty("reset").GetInt64());
        Assert.Equal(1, stats.GetProperty("aborted").GetInt64());
    }

    [Fact]
    public async Task ServerErrors_ReturnedAsResponsesForTheParserToClassify()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--fault-500", "0.5", "--fault-503", "0.5"]);
        using var host = new YahooClientHost(sim.BaseUrl);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await host.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d"));
            statuses.Add(response.StatusCode);
            Assert.False(response.Body.IsEmpty);
        }

        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(HttpStatusCode.InternalServerError, statuses);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
    }

    [Fact]
    public async Task Truncated_200WithAStrictPrefixOfTheCleanBody()
    {
        await using var clean = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        await using var faulty = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--fault-truncate", "1"]);
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "1y");
        using var cleanHost = new YahooClientHost(clean.BaseUrl);
        using var faultyHost = new YahooClientHost(faulty.BaseUrl);

        using var whole = await cleanHost.Client.GetChartAsync(request);
        using var cut = await faultyHost.Client.GetChartAsync(request);

        Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
        Assert.True(cut.Body.Length < whole.Body.Length);
        Assert.True(whole.Body.Span.StartsWith(cut.Body.Span));
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(cut.Body));
    }

    [Fact]
    public async Task FixedNow_TwoProcesses_ByteIdenticalResponses()
    {
        await using var first = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        await using var second = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        using var one = new YahooClientHost(first.BaseUrl);
        using var two = new YahooClientHost(second.BaseUrl);
        YahooChartRequest[] requests =
        [
            YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "max"),
            YahooChartRequest.ForRange("^GSPC", BarInterval.Parse("1wk"), "5y"),
            YahooChartRequest.ForPeriod("TSLA", BarInterval.Parse("5m"), Now.AddDays(-5), Now) with { IncludePrePost = true },
            YahooChartRequest.ForRange("BTC-USD", BarInterval.Parse("1h"), "1mo"),
            YahooChartRequest.ForRange("VOD.L", BarInterval.Parse("1mo"), "10y"),
        ];

        foreach (var request in requests)
        {
            using var a = await one.Client.GetChartAsync(request);
            using var b = await two.Client.GetChartAsync(request);
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            Assert.True(a.Body.Span.SequenceEqual(b.Body.Span), $"{request.Symbol} {request.Interval} differs between processes");
        }
    }

    [Fact]
    public async Task DropFaults_DeterministicBySeed_DifferPerRequest_AndCounted()
    {
        string[] args = [.. SimulatorFixture.Arguments, "--drop-dates", "0.2", "--drop-dividends", "0.5", "--fault-seed", "7"];
        await using var clean = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        await using var first = await SimulatorProcess.StartAsync(args);
        await using var second = await SimulatorProcess.StartAsync(args);
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5y");
        using var cleanHost = new YahooClientHost(clean.BaseUrl);
        using var one = new YahooClientHost(first.BaseUrl);
        using var two = new YahooClientHost(second.BaseUrl);

        using var full = await cleanHost.Client.GetChartAsync(request);
        using var a1 = await one.Client.GetChartAsync(request);
        using var b1 = await two.Client.GetChartAsync(request);
        using var a2 = await one.Client.GetChartAsync(request);

        Assert.True(a1.Body.Span.SequenceEqual(b1.Body.Span), "same seed, same request number: same response");
        Assert.False(a1.Body.Span.SequenceEqual(a2.Body.Span), "the next request draws again");
        var fullChart = ChartJson.Parse(full.Body);
        var dropped = ChartJson.Parse(a1.Body);
        Assert.InRange(dropped.Timestamps.Length, fullChart.Timestamps.Length * 0.7, fullChart.Timestamps.Length * 0.9);
        Assert.Subset(fullChart.Timestamps.ToHashSet(), dropped.Timestamps.ToHashSet());
        Assert.True(dropped.Events("dividends").Count() < fullChart.Events("dividends").Count());
        var stats = await first.StatsAsync();
        Assert.True(stats.GetProperty("dropped_dates").GetInt64() > 0);
        Assert.True(stats.GetProperty("dropped_dividends").GetInt64() > 0);
    }

    [Fact]
    public async Task Halts_DateAbsentOnEveryRequest()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--halts", "AAPL:2025-10-27"]);
        using var host = new YahooClientHost(sim.BaseUrl);
        var halted = new DateTimeOffset(2025, 10, 27, 13, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        for (var i = 0; i < 2; i++)
        {
            using var response = await host.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "1mo"));
            var chart = ChartJson.Parse(response.Body);
            Assert.DoesNotContain(halted, chart.Timestamps);
            Assert.Contains(halted + 86_400, chart.Timestamps);
        }
    }

    [Fact]
    public async Task Fallback_OddAttemptsGoToTheSecondHost()
    {
        await using var primary = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        await using var fallback = await SimulatorProcess.StartAsync(SimulatorFixture.Arguments);
        using var host = new YahooClientHost(primary.BaseUrl, fallback.BaseUrl);
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "5d");

        using var attempt0 = await host.Client.GetChartAsync(request, attempt: 0);
        using var attempt1 = await host.Client.GetChartAsync(request, attempt: 1);
        using var attempt2 = await host.Client.GetChartAsync(request, attempt: 2);

        Assert.Equal(primary.BaseUrl.Port, attempt0.RequestUri.Port);
        Assert.Equal(fallback.BaseUrl.Port, attempt1.RequestUri.Port);
        Assert.Equal(2, (await primary.StatsAsync()).GetProperty("total_requests").GetInt64());
        Assert.Equal(1, (await fallback.StatsAsync()).GetProperty("total_requests").GetInt64());
    }

    [Fact]
    public async Task Latency_ConcurrentRequests_PeakConcurrencyRecorded()
    {
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--latency", "00:00:00.300"]);
        using var host = new YahooClientHost(sim.BaseUrl);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            host.Client.GetChartAsync(YahooChartRequest.ForRange($"C{i}", BarInterval.Daily, "5d"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var stats = await sim.StatsAsync();
        Assert.InRange(stats.GetProperty("peak_concurrent").GetInt64(), 2, 10);
        Assert.Equal(10, stats.GetProperty("per_symbol").EnumerateObject().Count());
    }

    [Fact]
    public async Task BadOption_ExitsWithOneClearLine()
    {
        var result = await ProcessRunner.RunAsync("dotnet", [RepoPaths.SimulatorDll, "--urls", "http://127.0.0.1:0", "--fault-500", "0.7", "--fault-503", "0.7"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sum to", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealClock_ServesTodayAndStillDeterministicHistory()
    {
        await using var sim = await SimulatorProcess.StartAsync("--null-rows", "0");
        using var host = new YahooClientHost(sim.BaseUrl);
        var from = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var request = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, from, from.AddYears(1));

        using var a = await host.Client.GetChartAsync(request);
        using var b = await host.Client.GetChartAsync(request);
        using var recent = await host.Client.GetChartAsync(YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "1mo"));

        Assert.True(a.Body.Span.SequenceEqual(b.Body.Span));
        Assert.Equal(HttpStatusCode.OK, recent.StatusCode);
        var chart = ChartJson.Parse(recent.Body);
        Assert.True(chart.Timestamps.Length > 15, $"{chart.Timestamps.Length} bars in the last month");
    }
}
