using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.Diagnostics;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.IntegrationTests.Yahoo;
using StockData.TestSupport;
using StockData.Upstream.Egress;
using StockData.Upstream.Redis;
using StockData.Upstream.Session;
using StockData.Yahoo.Client;
using StockData.Yahoo.Session;

namespace StockData.IntegrationTests.Upstream.Session;

/// <summary>
/// The egress's session shared by the fleet through Redis: hosts in one process stand for replicas (each its own
/// composition, sharing only Redis), against a simulator that demands a session.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FleetSessionTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static YahooChartRequest Request(string symbol) => YahooChartRequest.ForPeriod(symbol, BarInterval.Daily,
        SimulatorFixture.Now.AddDays(-60), SimulatorFixture.Now.AddDays(-1));

    private static Dictionary<string, string?> Egress(string scope, string minRefresh = "00:00:00.200") => new()
    {
        ["StockData:RateLimit:Upstream"] = scope,
        ["StockData:Yahoo:MinRefreshInterval"] = minRefresh,
    };

    [Fact]
    public async Task ThreeReplicas_ConcurrentFetches_OneGetcrumbForTheFleet_AllServed()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var scope = "u" + Guid.NewGuid().ToString("N")[..10];
        var hosts = Enumerable.Range(0, 3).Select(_ => new FetchHost(sim.BaseUrl, redis, Egress(scope))).ToArray();
        try
        {
            var symbols = new[] { "AAPL", "MSFT", "IBM", "KO", "PEP", "XOM", "CVX", "JPM", "GS", "BA", "CAT", "MMM" };
            var fetches = symbols.Select((s, i) => FetchStatusAsync(hosts[i % hosts.Length], s)).ToArray();
            var statuses = await Task.WhenAll(fetches);

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            var stats = await sim.StatsAsync(Ct);
            Assert.Equal(1, stats.GetProperty("getcrumb_requests").GetInt64());
            Assert.Equal(1, stats.GetProperty("sessions_issued").GetInt64());
            Assert.Equal(0, stats.GetProperty("unauthorized_responses").GetInt64());
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Dispose();
            }
        }
    }

    [Fact]
    public async Task RefreshLock_ShortExpiryRenewedWhileTheRefreshRuns()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var settings = Egress("u" + Guid.NewGuid().ToString("N")[..10]);
        // Session requests spend tokens: at one token every 4 s (8 s while the cold-start ramp runs), the refresh
        // (cookie page, then getcrumb) holds the lock well past its 5 s expiry, which only renewal can bridge.
        settings["StockData:RateLimit:PermitsPerSecond"] = "0.25";
        settings["StockData:RateLimit:Burst"] = "1";
        settings["StockData:RateLimit:MaxWait"] = "00:01:00";
        using var host = new FetchHost(sim.BaseUrl, redis, settings);
        var lockKey = host.Services.GetRequiredService<RedisRateLimitBackend>().Keys.SessionLock;
        var db = redis.Multiplexer.GetDatabase();

        var started = TimeProvider.System.GetTimestamp();
        var fetch = FetchStatusAsync(host, "AAPL");
        var longestExpiry = TimeSpan.Zero;
        var heldAfterFirstExpiry = false;
        while (!fetch.IsCompleted)
        {
            if (await db.KeyTimeToLiveAsync(lockKey) is { } ttl)
            {
                longestExpiry = ttl > longestExpiry ? ttl : longestExpiry;
                heldAfterFirstExpiry |= TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(6);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), Ct);
        }

        Assert.Equal(HttpStatusCode.OK, await fetch);
        // Never more than the short hold (a dead holder blocks the fleet for seconds), yet held past it (renewed).
        Assert.InRange(longestExpiry, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
        Assert.True(heldAfterFirstExpiry, "the refresh lock was not held beyond its first expiry: it was not renewed");
        Assert.False(await db.KeyExistsAsync(lockKey));
    }

    [Fact]
    public async Task SessionExpires_RefusedRequestRetriedOnceWithTheFleetsNewSession_OneRefreshForAllReplicas()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session", "--session-ttl", "00:00:02"]);
        var scope = "u" + Guid.NewGuid().ToString("N")[..10];
        using var a = new FetchHost(sim.BaseUrl, redis, Egress(scope));
        using var b = new FetchHost(sim.BaseUrl, redis, Egress(scope));
        var refusedBefore = PipelineMetrics.AuthFailures.WithLabels(a.Services.GetRequiredService<AuthCooldown>().Egress, "refused").Value;

        Assert.Equal(HttpStatusCode.OK, await FetchStatusAsync(a, "AAPL"));
        Assert.Equal(HttpStatusCode.OK, await FetchStatusAsync(b, "MSFT"));
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        // Both replicas hold the expired session: each is refused once, and both retry with the one new session.
        var after = await Task.WhenAll(FetchStatusAsync(a, "IBM"), FetchStatusAsync(b, "KO"));

        Assert.All(after, s => Assert.Equal(HttpStatusCode.OK, s));
        var stats = await sim.StatsAsync(Ct);
        Assert.Equal(2, stats.GetProperty("getcrumb_requests").GetInt64());
        Assert.InRange(stats.GetProperty("unauthorized_responses").GetInt64(), 1, 2);
        var refused = PipelineMetrics.AuthFailures.WithLabels(a.Services.GetRequiredService<AuthCooldown>().Egress, "refused").Value - refusedBefore;
        Assert.Equal(stats.GetProperty("unauthorized_responses").GetInt64(), (long)refused);
    }

    [Fact]
    public async Task Invalidate_ComparesAndDeletes_AnOldVersionCannotDropTheFleetsNewerSession()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var scope = "u" + Guid.NewGuid().ToString("N")[..10];
        using var a = new FetchHost(sim.BaseUrl, redis, Egress(scope, "00:00:00"));
        using var b = new FetchHost(sim.BaseUrl, redis, Egress(scope, "00:00:00"));
        var sourceA = a.Services.GetRequiredService<IYahooSessionSource>();
        var sourceB = b.Services.GetRequiredService<IYahooSessionSource>();
        Assert.IsType<RedisYahooSessionSource>(Assert.IsType<EgressSessionSource>(sourceA).Current);

        var first = await sourceA.GetAsync(Ct);
        var seenByB = await sourceB.GetAsync(Ct);
        Assert.Equal(first!.Version, seenByB!.Version);
        Assert.True(await sourceB.InvalidateAsync(first.Version, Ct));
        var second = await sourceB.GetAsync(Ct);
        Assert.NotEqual(first.Version, second!.Version);
        // A replica refused with the first version (it still held it): the fleet's newer session stays, and it takes that.
        Assert.False(await sourceA.InvalidateAsync(first.Version, Ct));
        var third = await sourceA.GetAsync(Ct);

        Assert.Equal(second.Version, third!.Version);
        Assert.Equal(2, (await sim.StatsAsync(Ct)).GetProperty("getcrumb_requests").GetInt64());
    }

    [Fact]
    public async Task GetcrumbThrottled_ReportedToTheSharedCooldown_NotCountedAsAnAuthFailure()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session", "--getcrumb-rate", "0.02"]);
        using (var http = new YahooSim.SimHttp(sim.BaseUrl))
        {
            // Spend getcrumb's one token, as another client behind the same address would have.
            using var fc = await http.GetAsync("/");
            using var spent = await http.GetAsync("/v1/test/getcrumb", YahooSim.SimHttp.Cookie(fc, "A3").Pair);
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }

        var scope = "u" + Guid.NewGuid().ToString("N")[..10];
        using var a = new FetchHost(sim.BaseUrl, redis, Egress(scope, "00:00:10"));
        using var b = new FetchHost(sim.BaseUrl, redis, Egress(scope, "00:00:10"));
        var egress = a.Services.GetRequiredService<AuthCooldown>().Egress;
        var throttledBefore = PipelineMetrics.SessionRefreshes.WithLabels(egress, PipelineMetrics.SessionRefreshResults.Throttled).Value;

        var session = await a.Services.GetRequiredService<IYahooSessionSource>().GetAsync(Ct);
        var other = await b.Services.GetRequiredService<IYahooSessionSource>().GetAsync(Ct);

        Assert.Null(session);
        Assert.Null(other);
        // The other replica saw the 429 through Redis: the fleet pauses, and nobody asked getcrumb again.
        Assert.NotNull(await b.Services.GetRequiredService<RedisCooldownStore>().GetRemainingAsync(Ct));
        Assert.Null(await b.Services.GetRequiredService<AuthCooldown>().GetRemainingAsync(Ct));
        Assert.Equal(1, PipelineMetrics.SessionRefreshes.WithLabels(egress, PipelineMetrics.SessionRefreshResults.Throttled).Value - throttledBefore);
        Assert.Equal(2, (await sim.StatsAsync(Ct)).GetProperty("getcrumb_requests").GetInt64());
    }

    [Fact]
    public async Task SessionRequests_SpendTheEgresssTokens()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var scope = "u" + Guid.NewGuid().ToString("N")[..10];
        using var host = new FetchHost(sim.BaseUrl, redis, Egress(scope));
        var egress = host.Services.GetRequiredService<AuthCooldown>().Egress;
        var sessionBefore = PipelineMetrics.EgressRequests.WithLabels(egress, "session").Value;
        var chartBefore = PipelineMetrics.EgressRequests.WithLabels(egress, "chart").Value;
        var granted = PipelineMetrics.RateLimiterTokens.WithLabels("granted").Value;

        Assert.Equal(HttpStatusCode.OK, await FetchStatusAsync(host, "AAPL"));

        var stats = await sim.StatsAsync(Ct);
        var sessionRequests = stats.GetProperty("cookie_requests").GetInt64() + stats.GetProperty("getcrumb_requests").GetInt64();
        Assert.Equal(sessionRequests, (long)(PipelineMetrics.EgressRequests.WithLabels(egress, "session").Value - sessionBefore));
        Assert.Equal(1, PipelineMetrics.EgressRequests.WithLabels(egress, "chart").Value - chartBefore);
        Assert.True(PipelineMetrics.RateLimiterTokens.WithLabels("granted").Value - granted >= sessionRequests + 1);
    }

    [Fact]
    public async Task RefusedTwice_FinalAfterOneRetry_RepeatedFinalRefusalsStartTheFleetsAuthCooldown()
    {
        redis.EnsureAvailable();
        // Mode off against a server that demands a session: every answer refuses, naming the cookie.
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var scope = "u" + Guid.NewGuid().ToString("N")[..10];
        var settings = new Dictionary<string, string?>(Egress(scope))
        {
            ["StockData:Yahoo:Session"] = "off",
            ["StockData:Fetch:AuthFailureThreshold"] = "2",
            ["StockData:Fetch:AuthCooldown"] = "00:10:00",
        };
        using var a = new FetchHost(sim.BaseUrl, redis, settings);
        using var b = new FetchHost(sim.BaseUrl, redis, settings);

        using (var first = await a.Fetch.FetchAsync(Request("AAPL"), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
            Assert.Equal(YahooSessionFailure.Refused, first.SessionFailure);
        }

        Assert.Equal(2, (await sim.StatsAsync(Ct)).GetProperty("unauthorized_responses").GetInt64());
        Assert.Null(await b.Services.GetRequiredService<AuthCooldown>().GetRemainingAsync(Ct));
        using (var second = await a.Fetch.FetchAsync(Request("MSFT"), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        }

        // Each request was sent twice (the one retry), and two final refusals paused the whole fleet, not one replica.
        Assert.Equal(4, (await sim.StatsAsync(Ct)).GetProperty("unauthorized_responses").GetInt64());
        Assert.NotNull(await b.Services.GetRequiredService<AuthCooldown>().GetRemainingAsync(Ct));
        using var waiting = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.Fetch.FetchAsync(Request("IBM"), waiting.Token));
        Assert.Equal(4, (await sim.StatsAsync(Ct)).GetProperty("unauthorized_responses").GetInt64());
    }

    private static async Task<HttpStatusCode> FetchStatusAsync(FetchHost host, string symbol)
    {
        using var response = await host.Fetch.FetchAsync(Request(symbol), Ct);
        return response.StatusCode;
    }
}
