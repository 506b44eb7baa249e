using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Upstream.Fetching;
using StockData.Upstream.Redis;
using StockData.TestSupport;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Core;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>
/// The last lateness check before a chart request leaves (<see cref="LateSendGuard"/>), through the product's own
/// Yahoo HTTP client against a real simulator, with the shared limiter in a real Redis.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class LateSendGuardTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestStalledLongAfterItsGrant_GivesTheSlotUpAndLeavesOnANewOne()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        using var host = new FetchHost(sim.BaseUrl, redis);
        var (limiter, slot, time, http) = Parts(host);
        var leasesBefore = limiter.GetStatistics()!.TotalSuccessfulLeases;
        var served = await ServedAsync(sim);

        // Granted a second ago: far past the tolerance (49.5 ms at 1,000/s with burst 100), as after a long stall.
        slot.Granted(time.GetTimestamp() - time.TimestampFrequency);
        using var response = await http.GetAsync(sim.Chart("AAPL", "range=5d&interval=1d"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, limiter.RepacedCount);
        Assert.Equal(leasesBefore + 1, limiter.GetStatistics()!.TotalSuccessfulLeases);
        Assert.Equal(served + 1, await ServedAsync(sim));
    }

    [Fact]
    public async Task RequestOnTimeOrUnlimited_LeavesWithoutASecondToken()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        using var host = new FetchHost(sim.BaseUrl, redis);
        var (limiter, slot, time, http) = Parts(host);
        var leasesBefore = limiter.GetStatistics()!.TotalSuccessfulLeases;

        slot.Granted(time.GetTimestamp());
        using (var onTime = await http.GetAsync(sim.Chart("MSFT", "range=5d&interval=1d"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, onTime.StatusCode);
        }

        // No grant in this flow (a request that went through no limiter): nothing to check.
        slot.Granted(0);
        using (var unlimited = await http.GetAsync(sim.Chart("MSFT", "range=5d&interval=1d"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
        }

        Assert.Equal(0, limiter.RepacedCount);
        Assert.Equal(leasesBefore, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Fact]
    public async Task FetchThroughTheService_ArmsTheGuardOnlyForItsOwnAttempt()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        using var host = new FetchHost(sim.BaseUrl, redis);
        var (_, slot, _, _) = Parts(host);

        using var response = await host.Fetch.FetchAsync(YahooChartRequest.ForRange("KO", BarInterval.Daily, "5d"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The grant was handed down the attempt's own flow, never up into the caller's. (Whether the attempt itself
        // was late enough to give its slot up depends on the host's load, so it is not asserted here.)
        Assert.Equal(0, slot.GrantedAt);
    }

    private static (RedisTokenBucketRateLimiter Limiter, SendSlot Slot, TimeProvider Time, HttpClient Http) Parts(FetchHost host) =>
        (host.Services.GetRequiredService<RedisTokenBucketRateLimiter>(), host.Services.GetRequiredService<SendSlot>(),
            host.Services.GetRequiredService<TimeProvider>(),
            host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(YahooServiceCollectionExtensions.HttpClientName));

    private static async Task<long> ServedAsync(SimulatorProcess sim) =>
        (await sim.StatsAsync(Ct)).GetProperty("total_requests").GetInt64();
}
