using System.Net;
using Polly.CircuitBreaker;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Diagnostics;
using StockData.TestSupport;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>
/// The fetch service's circuit breaker against a real simulator: sustained 5xx open it (and pause
/// the fleet through the shared cooldown), it half-opens after the break, reopens while the upstream still fails, and
/// closes once a simulator without faults answers on the same address.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CircuitBreakerTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string SimNow = "2026-11-27T21:00:00Z";
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sustained5xx_Opens_HalfOpens_AndClosesWhenTheUpstreamRecovers()
    {
        redis.EnsureAvailable();
        var sick = await SimulatorProcess.StartAsync("--now", SimNow, "--fault-500", "0.5", "--fault-503", "0.5");
        var address = sick.BaseUrl;
        using var host = new FetchHost(address, redis, new Dictionary<string, string?>
        {
            // No retries: each call is one attempt, so the test sees every outcome the breaker sees.
            ["StockData:Fetch:MaxRetries"] = "0",
            ["StockData:Fetch:CircuitBreaker:MinimumThroughput"] = "4",
            ["StockData:Fetch:CircuitBreaker:FailureRatio"] = "0.5",
            ["StockData:Fetch:CircuitBreaker:SamplingDuration"] = "00:00:10",
            ["StockData:Fetch:CircuitBreaker:BreakDuration"] = "00:00:02",
            // Responses are never cached here anyway (5xx), but a success later must reach the upstream too.
            ["StockData:Cache:Enabled"] = "false",
        });
        var request = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        // Closed: the 5xx answers come back to the caller until the window holds enough of them.
        var lastStarted = 0L;
        for (var i = 0; i < 4; i++)
        {
            lastStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            using var failed = await host.Fetch.FetchAsync(request, Ct);
            Assert.True((int)failed.StatusCode >= 500);
        }

        Assert.Equal(CircuitState.Open, host.Fetch.CircuitState);
        Assert.Equal(PipelineMetrics.CircuitOpen, PipelineMetrics.CircuitState.Value);
        var pause = await host.Cooldown.GetRemainingAsync(Ct);
        Assert.NotNull(pause); // every replica sits the break out
        // The break opened during the last call: what is left of it is the break less the time since that call began
        // (however slow the machine), and never more than the break.
        var sinceLast = System.Diagnostics.Stopwatch.GetElapsedTime(lastStarted);
        Assert.InRange(pause.Value, BreakDuration - sinceLast - TimeSpan.FromMilliseconds(5), BreakDuration);

        // Open: refused at once, no request and no token spent.
        var before = (await sick.StatsAsync(Ct)).GetProperty("total_requests").GetInt64();
        var broken = await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Fetch.FetchAsync(request, Ct));
        Assert.NotNull(broken.RetryAfter);
        Assert.Equal(before, (await sick.StatsAsync(Ct)).GetProperty("total_requests").GetInt64());

        // Half-open after the break: one probe reaches the still-sick upstream, and the breaker opens again.
        await Task.Delay(BreakDuration + TimeSpan.FromMilliseconds(300), Ct);
        using (var probe = await host.Fetch.FetchAsync(request, Ct))
        {
            Assert.True((int)probe.StatusCode >= 500);
        }

        Assert.Equal(CircuitState.Open, host.Fetch.CircuitState);
        Assert.Equal(before + 1, (await sick.StatsAsync(Ct)).GetProperty("total_requests").GetInt64());

        // The upstream recovers: a simulator without faults on the same address.
        await sick.DisposeAsync();
        await using var healthy = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0", "--urls", address.ToString().TrimEnd('/'));
        await Task.Delay(BreakDuration + TimeSpan.FromMilliseconds(300), Ct);
        HttpStatusCode recovered;
        using (var response = await FetchThroughReconnectAsync(host, request))
        {
            recovered = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, recovered);
        Assert.Equal(CircuitState.Closed, host.Fetch.CircuitState);
        Assert.Equal(PipelineMetrics.CircuitClosed, PipelineMetrics.CircuitState.Value);
        var transitions = host.Logs.Logger.Entries.Select(e => e.Id.Id).Where(id => id is >= 3300 and <= 3302).ToList();
        Assert.Equal([3300, 3301, 3300, 3301, 3302], transitions); // opened, half-open, opened, half-open, closed
    }

    /// <summary>
    /// The first call after the restart may meet a pooled connection to the killed process (a connection error, which
    /// the breaker does not count); the next one opens a fresh connection.
    /// </summary>
    private static async Task<YahooResponse> FetchThroughReconnectAsync(FetchHost host, YahooChartRequest request)
    {
        try
        {
            return await host.Fetch.FetchAsync(request, Ct);
        }
        catch (HttpRequestException)
        {
            return await host.Fetch.FetchAsync(request, Ct);
        }
    }
}
