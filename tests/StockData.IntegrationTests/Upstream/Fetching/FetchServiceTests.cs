using System.Net;
using Polly.RateLimiting;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>The fetch service's own rules around the pipeline, against a real simulator and Redis.</summary>
[Collection(ProcessCollection.Name)]
public sealed class FetchServiceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstFetchNeverReachesTheUpstream_LaterFetchesAreNotHeldBack()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        using var host = new FetchHost(sim.BaseUrl, redis, new Dictionary<string, string?>
        {
            ["StockData:Fetch:MaxRetries"] = "0",
            ["StockData:RateLimit:MaxWait"] = "00:00:00",
        });
        var request = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        // A fleet-wide pause longer than the limiter may wait: the process's first fetch is refused before any attempt.
        await host.Cooldown.ExtendAsync(TimeSpan.FromSeconds(1), Ct);
        await Assert.ThrowsAsync<RateLimiterRejectedException>(() => host.Fetch.FetchAsync(request, Ct));
        await Task.Delay(TimeSpan.FromMilliseconds(1200), Ct);

        // The first-attempt gate (cold start) must not stay shut behind a fetch that never attempted.
        using var response = await host.Fetch.FetchAsync(request, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BodyCutShort_RetriedWithinTheBudget_NeverCached()
    {
        redis.EnsureAvailable();
        // Every answer is a 200 with half of its body: each attempt is retried, the last one is handed to the parser.
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0", "--fault-truncate", "1");
        using var host = new FetchHost(sim.BaseUrl, redis, new Dictionary<string, string?>
        {
            ["StockData:Fetch:MaxRetries"] = "2",
            ["StockData:Fetch:RetryBaseDelay"] = "00:00:00.010",
        });
        var request = YahooChartRequest.ForPeriod("MSFT", BarInterval.Daily, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        using (var first = await host.Fetch.FetchAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.NotEqual((byte)'}', first.Body.Span.TrimEnd(" \t\r\n"u8)[^1]);
        }

        using var second = await host.Fetch.FetchAsync(request, Ct);

        // 3 attempts per fetch, and the second fetch went upstream again: the cut body was not cached.
        Assert.Equal(6, (await sim.StatsAsync(Ct)).GetProperty("per_symbol").GetProperty("MSFT").GetInt64());
    }
}
