using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Upstream.Fetching;
using StockData.Upstream.Redis;
using StockData.TestSupport;
using StockData.Yahoo;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>
/// The connection's check of a request's slot (<see cref="SlotKeeper"/> as the chart connections' gate): a request
/// that passed the handler chain's check on time and then stalled before its first byte is held back there, through
/// the product's own Yahoo HTTP client against a real simulator, with the shared limiter in a real Redis.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SlotKeeperTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    /// <summary>
    /// The bucket of these tests: 10/s with 20 spare tokens, so the tolerance is a whole second (half of 20 intervals):
    /// far more than a busy machine's own delays between the grant and the send (at FetchHost's 1,000/s it is 49.5 ms,
    /// which a loaded two-core machine exceeded on the way to a fresh connection, giving the slot up one more time).
    /// </summary>
    private static readonly Dictionary<string, string?> WideTolerance = new()
    {
        ["StockData:RateLimit:PermitsPerSecond"] = "10",
        ["StockData:RateLimit:Burst"] = "21",
    };

    /// <summary>Far past the tolerance, as a cold connection's stall was past the real one.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(2500);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestStalledAfterTheHandlerCheck_IsHeldBackAtTheConnectionForANewSlot()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        var stall = new StallHandler();
        using var host = StalledHost(sim, stall);
        var (limiter, slot, time, http) = Parts(host);
        var leasesBefore = limiter.GetStatistics()!.TotalSuccessfulLeases;
        var served = await ServedAsync(sim);

        // On time at the handler chain's check (LateSendGuard passes it), then a stall on the way to the connection.
        stall.Next = Stall;
        slot.Granted(time.GetTimestamp());
        using var response = await http.GetAsync(sim.Chart("AAPL", "range=5d&interval=1d"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, limiter.RepacedCount);
        Assert.Equal(leasesBefore + 1, limiter.GetStatistics()!.TotalSuccessfulLeases);
        Assert.Equal(served + 1, await ServedAsync(sim));
        // The flow now holds the new slot, so nothing later counts the old one's lateness again.
        Assert.True(time.GetElapsedTime(slot.GrantedAt) < Stall, "the flow's slot was not replaced");
    }

    [Fact]
    public async Task OnAnOpenConnection_EveryRequestIsCheckedOnceAndOnTimeOnesPass()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        var stall = new StallHandler();
        using var host = StalledHost(sim, stall);
        var (limiter, slot, time, http) = Parts(host);
        var leasesBefore = limiter.GetStatistics()!.TotalSuccessfulLeases;

        // Opens the connection: on time, nothing given up.
        slot.Granted(time.GetTimestamp());
        using (var first = await http.GetAsync(sim.Chart("MSFT", "range=5d&interval=1d"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(0, limiter.RepacedCount);

        // The same connection, reused: the check is per request, not per connection.
        stall.Next = Stall;
        slot.Granted(time.GetTimestamp());
        using (var second = await http.GetAsync(sim.Chart("MSFT", "range=1mo&interval=1d"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal(1, limiter.RepacedCount);
        Assert.Equal(leasesBefore + 1, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    private FetchHost StalledHost(SimulatorProcess sim, StallHandler stall) =>
        new(sim.BaseUrl, redis, WideTolerance, services =>
            services.AddHttpClient(YahooServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler(() => stall));

    private static (RedisTokenBucketRateLimiter Limiter, SendSlot Slot, TimeProvider Time, HttpClient Http) Parts(FetchHost host) =>
        (host.Services.GetRequiredService<RedisTokenBucketRateLimiter>(), host.Services.GetRequiredService<SendSlot>(),
            host.Services.GetRequiredService<TimeProvider>(),
            host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(YahooServiceCollectionExtensions.HttpClientName));

    private static async Task<long> ServedAsync(SimulatorProcess sim) =>
        (await sim.StatsAsync(Ct)).GetProperty("total_requests").GetInt64();

    /// <summary>Innermost handler: delays the next request once, after the product's handlers have checked it.</summary>
    private sealed class StallHandler : DelegatingHandler
    {
        public TimeSpan Next { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var stall = Next;
            Next = TimeSpan.Zero;
            if (stall > TimeSpan.Zero)
            {
                await Task.Delay(stall, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
