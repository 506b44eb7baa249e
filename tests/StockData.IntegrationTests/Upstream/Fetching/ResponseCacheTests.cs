using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Yahoo;
using StockData.Upstream.Caching;
using StockData.Diagnostics;
using StockData.TestSupport;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using ZiggyCreatures.Caching.Fusion;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>
/// The two-tier response cache against a real simulator and Redis: single flight per process and
/// across replicas, L2 across processes, serve-stale when the upstream fails, errors never cached.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ResponseCacheTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string SimNow = "2026-11-27T21:00:00Z";
    private static readonly DateTimeOffset From = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiftyConcurrentRequests_OneSymbol_OneUpstreamRequest()
    {
        redis.EnsureAvailable();
        // A slow answer keeps every caller waiting on the same miss.
        await using var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0", "--latency", "00:00:00.300");
        using var host = new FetchHost(sim.BaseUrl, redis);
        var request = YahooChartRequest.ForPeriod("AAPL", BarInterval.Daily, From, To);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.Fetch.FetchAsync(request, Ct)));
        var bodies = responses.Select(r => r.Body.ToArray()).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var stats = await sim.StatsAsync(Ct);
        Assert.Equal(1, stats.GetProperty("per_symbol").GetProperty("AAPL").GetInt64());
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(bodies, b => Assert.True(b.AsSpan().SequenceEqual(bodies[0])));
    }

    [Fact]
    public async Task TwoReplicas_MissTheSameKeyTogether_OneUpstreamRequest()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0", "--latency", "00:00:00.500");
        var shared = new Dictionary<string, string?> { ["StockData:Cache:KeyPrefix"] = redis.KeyPrefix + "cache:" + Guid.NewGuid().ToString("N")[..8] + ":" };
        using var first = new FetchHost(sim.BaseUrl, redis, shared);
        using var second = new FetchHost(sim.BaseUrl, redis, shared);
        var request = YahooChartRequest.ForPeriod("MSFT", BarInterval.Daily, From, To);

        // Two hosts: two L1s, two fetch services, one Redis (L2 and the per-key lock), like two replicas.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => (i % 2 == 0 ? first : second).Fetch.FetchAsync(request, Ct)));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        var stats = await sim.StatsAsync(Ct);
        Assert.Equal(1, stats.GetProperty("per_symbol").GetProperty("MSFT").GetInt64());
    }

    [Fact]
    public async Task UpstreamDown_AfterTheEntryExpired_ServesTheStaleResponse()
    {
        redis.EnsureAvailable();
        var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0");
        using var client = new YahooClientHost(sim.BaseUrl);
        // Built by hand for a sub-minute freshness (the options allow 1-5 minutes): the behaviour is FusionCache's.
        using var fusion = new FusionCache(new FusionCacheOptions
        {
            ReThrowOriginalExceptions = true,
            DefaultEntryOptions = new FusionCacheEntryOptions
            {
                Duration = TimeSpan.FromMilliseconds(300),
                IsFailSafeEnabled = true,
                FailSafeMaxDuration = TimeSpan.FromMinutes(5),
                FailSafeThrottleDuration = TimeSpan.FromSeconds(1),
            },
        });
        var cache = new ChartResponseCache(fusion, Options.Create(new ResponseCacheOptions()), Options.Create(new YahooOptions()), TimeProvider.System);
        var request = YahooChartRequest.ForPeriod("KO", BarInterval.Daily, From, To);
        var staleBefore = PipelineMetrics.CacheRequests.WithLabels(ChartResponseCache.CacheLabel, "stale").Value;

        byte[] fresh;
        using (var first = await cache.GetOrFetchAsync(request, t => client.Client.GetChartAsync(request, 0, t), Ct))
        {
            fresh = first.Body.ToArray();
        }

        await sim.DisposeAsync();
        await Task.Delay(500, Ct);
        using var stale = await cache.GetOrFetchAsync(request, t => client.Client.GetChartAsync(request, 0, t), Ct);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.True(stale.Body.Span.SequenceEqual(fresh));
        Assert.Equal(staleBefore + 1, PipelineMetrics.CacheRequests.WithLabels(ChartResponseCache.CacheLabel, "stale").Value);

        // Nothing stale to fall back on: the upstream's failure reaches the caller as it was.
        var other = YahooChartRequest.ForPeriod("PEP", BarInterval.Daily, From, To);
        await Assert.ThrowsAsync<HttpRequestException>(() => cache.GetOrFetchAsync(other, t => client.Client.GetChartAsync(other, 0, t), Ct));
    }

    [Fact]
    public async Task ErrorAnswers_AreReturnedButNeverCached()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--fault-500", "1");
        using var host = new FetchHost(sim.BaseUrl, redis, new Dictionary<string, string?> { ["StockData:Fetch:MaxRetries"] = "0" });
        var request = YahooChartRequest.ForPeriod("INTC", BarInterval.Daily, From, To);

        using (var first = await host.Fetch.FetchAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        }

        using (var second = await host.Fetch.FetchAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        }

        var stats = await sim.StatsAsync(Ct);
        Assert.Equal(2, stats.GetProperty("per_symbol").GetProperty("INTC").GetInt64());
    }

    [Fact]
    public async Task YahooFetch_TwoProcessesTenSecondsApart_OneUpstreamRequest()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0");
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["StockData__Cache__KeyPrefix"] = redis.KeyPrefix + "cache:" + Guid.NewGuid().ToString("N")[..8] + ":",
            ["StockData__RateLimit__KeyPrefix"] = redis.KeyPrefix + "rl:",
            ["StockData__RateLimit__Upstream"] = "u" + Guid.NewGuid().ToString("N")[..10],
        };
        string[] args = ["yahoo", "fetch", "AAPL", "--base-url", sim.BaseUrl.ToString().TrimEnd('/')];

        var first = await ProcessRunner.RunStockDataAsync(args, env);
        await Task.Delay(TimeSpan.FromSeconds(10), Ct);
        var second = await ProcessRunner.RunStockDataAsync(args, env);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var stats = await sim.StatsAsync(Ct);
        Assert.Equal(1, stats.GetProperty("per_symbol").GetProperty("AAPL").GetInt64());
        using var a = JsonDocument.Parse(first.StandardOutput);
        using var b = JsonDocument.Parse(second.StandardOutput);
        Assert.Equal(a.RootElement.GetProperty("bars").GetArrayLength(), b.RootElement.GetProperty("bars").GetArrayLength());
        Assert.True(a.RootElement.GetProperty("bars").GetArrayLength() > 200);
    }
}
