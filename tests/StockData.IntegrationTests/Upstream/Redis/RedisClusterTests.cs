using System.Diagnostics;
using System.Net;
using StackExchange.Redis;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.IntegrationTests.Yahoo;
using StockData.TestSupport;
using StockData.Upstream.Redis;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Upstream.Redis;

/// <summary>
/// The service on a Redis Cluster (three masters, one replica each; scripts/services.sh sd_redis_cluster_up): the
/// shared bucket, the cooldown, the fleet's session and the response cache, each through a connection string listing
/// the nodes (StackExchange.Redis routes each command to its slot's master and follows MOVED), and a master lost
/// mid-run. In the process collection: the failover test changes which node is master for the others.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RedisClusterTests(RedisClusterFixture redis) : IClassFixture<RedisClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeySlots_TheTestsCalculator_AgreesWithTheServer()
    {
        redis.EnsureAvailable();
        await using var admin = await RateLimiters.ConnectAsync(redis.ConnectionString);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var keys = new RateLimitKeys(new RateLimitOptions { KeyPrefix = redis.KeyPrefix, Upstream = "yahoo", EgressId = "203.0.113.7" });
        string[] samples = [.. keys.TouchedTogether.SelectMany(set => set.Select(k => k.ToString())), "stockdata:cache:AAPL|1d|0|1", "foo{}{bar}", "123456789"];

        foreach (var key in samples)
        {
            Assert.Equal(RedisClusterSlot.Of(key), (int)await server.ExecuteAsync("CLUSTER", "KEYSLOT", key));
        }
    }

    [Fact]
    public async Task SharedBucket_TwoHostsOnTheCluster_HandOutNoMoreThanTheRate()
    {
        redis.EnsureAvailable();
        await using var first = await RateLimiters.ConnectAsync(redis.ConnectionString);
        await using var second = await RateLimiters.ConnectAsync(redis.ConnectionString);
        var options = RateLimiters.Options(redis, rate: 20, burst: 2);
        using var a = RateLimiters.Create(first, options);
        using var b = RateLimiters.Create(second, options);

        var started = Stopwatch.GetTimestamp();
        var stopAt = TimeSpan.FromSeconds(3);
        var counts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => AcquireUntilAsync(i % 2 == 0 ? a : b, started, stopAt)));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var granted = counts.Sum(c => c.Granted);

        Assert.All(counts, c => Assert.Equal(0, c.Refused));
        Assert.True(granted <= 20 * elapsed + 2, $"{granted} grants in {elapsed:0.00} s at 20/s, burst 2");
        Assert.True(granted >= 10 * elapsed, $"only {granted} grants in {elapsed:0.00} s at 20/s: the bucket was not shared at its rate");
        Assert.True(counts.Where((_, i) => i % 2 == 1).Sum(c => c.Granted) > 0, "the second host got nothing");
        Assert.False(a.IsFallbackActive || b.IsFallbackActive);
        Assert.Equal(0, a.FallbackCount + b.FallbackCount);
        Assert.True(await first.GetDatabase().KeyExistsAsync(a.Cooldown.Backend.Keys.Bucket));
    }

    [Fact]
    public async Task Cooldown_ReportedByOneHost_PausesTheOther()
    {
        redis.EnsureAvailable();
        await using var first = await RateLimiters.ConnectAsync(redis.ConnectionString);
        await using var second = await RateLimiters.ConnectAsync(redis.ConnectionString);
        var options = RateLimiters.Options(redis, rate: 100, burst: 5, maxWait: TimeSpan.FromMilliseconds(200));
        using var a = RateLimiters.Create(first, options);
        using var b = RateLimiters.Create(second, options);

        var pause = await a.Cooldown.ReportThrottledAsync(TimeSpan.FromSeconds(5), Ct);
        var seen = await b.Cooldown.GetRemainingAsync(Ct);
        using var refused = await b.AcquireAsync(1, Ct);

        Assert.Equal(TimeSpan.FromSeconds(5), pause);
        Assert.NotNull(seen);
        Assert.InRange(seen.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
        Assert.False(refused.IsAcquired);
        Assert.False(a.IsFallbackActive || b.IsFallbackActive);
    }

    [Fact]
    public async Task FleetSession_ThreeHostsOnTheCluster_OneGetcrumb_AllServed()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--auth", "session"]);
        var settings = new Dictionary<string, string?>
        {
            ["StockData:RateLimit:Upstream"] = "u" + Guid.NewGuid().ToString("N")[..10],
            ["StockData:Yahoo:MinRefreshInterval"] = "00:00:00.200",
        };
        var hosts = Enumerable.Range(0, 3).Select(_ => new FetchHost(sim.BaseUrl, redis, settings)).ToArray();
        try
        {
            string[] symbols = ["AAPL", "MSFT", "IBM", "KO", "PEP", "XOM", "CVX", "JPM", "GS"];
            var statuses = await Task.WhenAll(symbols.Select(async (s, i) =>
            {
                using var response = await hosts[i % hosts.Length].Fetch.FetchAsync(Request(s), Ct);
                return response.StatusCode;
            }));

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            var stats = await sim.StatsAsync(Ct);
            Assert.Equal(1, stats.GetProperty("getcrumb_requests").GetInt64());
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
    public async Task ResponseCache_TwoHostsOnTheCluster_OneUpstreamRequest()
    {
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync([.. SimulatorFixture.Arguments, "--latency", "00:00:00.500"]);
        var shared = new Dictionary<string, string?> { ["StockData:Cache:KeyPrefix"] = redis.KeyPrefix + "cache:" + Guid.NewGuid().ToString("N")[..8] + ":" };
        using var first = new FetchHost(sim.BaseUrl, redis, shared);
        using var second = new FetchHost(sim.BaseUrl, redis, shared);

        // Two L1s, one L2 and one per-key lock on the cluster: the second host waits on the lock, then reads L2.
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).Fetch.FetchAsync(Request("MSFT"), Ct)));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        var stats = await sim.StatsAsync(Ct);
        Assert.Equal(1, stats.GetProperty("per_symbol").GetProperty("MSFT").GetInt64());
    }

    [Fact]
    public async Task MasterLostMidRun_ReplicaTakesOver_NoLimitExceeded_FallbackTakesOverAndReturns()
    {
        redis.EnsureAvailable();
        await using var admin = await RateLimiters.ConnectAsync(redis.ConnectionString);
        await using var first = await RateLimiters.ConnectAsync(redis.ConnectionString);
        await using var second = await RateLimiters.ConnectAsync(redis.ConnectionString);
        var options = RateLimiters.Options(redis, rate: 20, burst: 2);
        options.Replicas = 2; // while Redis is away each host takes 10/s
        options.ProbeInterval = TimeSpan.FromMilliseconds(200);
        options.RedisTimeout = TimeSpan.FromMilliseconds(500);
        using var a = RateLimiters.Create(first, options);
        using var b = RateLimiters.Create(second, options);
        var bucket = (RedisKey)a.Cooldown.Backend.Keys.Bucket;
        var master = await admin.GetDatabase().IdentifyEndpointAsync(bucket) ?? throw new InvalidOperationException("no endpoint for the bucket");
        var replica = admin.GetServer(master).ClusterConfiguration?.GetBySlot(bucket)?.Children.FirstOrDefault()?.EndPoint
            ?? throw new InvalidOperationException("the bucket's master has no replica: start the cluster with one replica per master");
        var pid = InfoField(await InfoAsync(admin, master, "server"), "process_id");

        var started = Stopwatch.GetTimestamp();
        var stopAt = TimeSpan.FromSeconds(60);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var workers = Enumerable.Range(0, 4).Select(i => AcquireUntilAsync(i % 2 == 0 ? a : b, started, stopAt, stop.Token)).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        // The master stops answering (SIGSTOP: its connections stay open, as with a hung host or a partition): after the
        // cluster's node timeout its replica is elected master.
        await SignalAsync("-STOP", pid);
        try
        {
            await WaitForAsync(async () => InfoField(await InfoAsync(admin, replica, "replication"), "role") == "master",
                TimeSpan.FromSeconds(60), "the replica was never promoted");
        }
        finally
        {
            await SignalAsync("-CONT", pid);
        }

        // The old master comes back, learns it was replaced and follows the new one; the hosts leave their fallback.
        await WaitForAsync(async () => InfoField(await InfoAsync(admin, master, "replication"), "role") == "slave",
            TimeSpan.FromSeconds(60), "the old master never rejoined as a replica");
        await WaitForAsync(() => Task.FromResult(!a.IsFallbackActive && !b.IsFallbackActive && a.FallbackCount + b.FallbackCount > 0),
            TimeSpan.FromSeconds(60), $"the hosts did not return to the shared bucket (outages: {a.FallbackCount + b.FallbackCount})");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // a while on the new master
        await stop.CancelAsync();
        var counts = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var granted = counts.Sum(c => c.Granted);
        var outages = a.FallbackCount + b.FallbackCount;

        // No crash: every acquisition ended in a lease. No limit exceeded: the shared bucket's rate and burst, plus at most
        // one permit per host at each switch to the fallback bucket and back (each starts with one instant permit).
        Assert.All(counts, c => Assert.Equal(0, c.Refused));
        Assert.True(granted <= 20 * elapsed + 2 + 2 * outages, $"{granted} grants in {elapsed:0.00} s at 20/s, burst 2, {outages} outages");
        Assert.True(granted >= 5 * elapsed, $"only {granted} grants in {elapsed:0.00} s: the hosts stalled");
        Assert.Equal(replica, await admin.GetDatabase().IdentifyEndpointAsync(bucket));
        Assert.True(await admin.GetDatabase().KeyExistsAsync(bucket), "the new master does not hold the bucket");
    }

    private static YahooChartRequest Request(string symbol) => YahooChartRequest.ForPeriod(symbol, BarInterval.Daily,
        SimulatorFixture.Now.AddDays(-60), SimulatorFixture.Now.AddDays(-1));

    private sealed record Counts(int Granted, int Refused);

    private static async Task<Counts> AcquireUntilAsync(RedisTokenBucketRateLimiter limiter, long started, TimeSpan stopAt,
        CancellationToken stop = default)
    {
        int granted = 0, refused = 0;
        while (Stopwatch.GetElapsedTime(started) < stopAt && !stop.IsCancellationRequested)
        {
            using var lease = await limiter.AcquireAsync(1, Ct);
            if (lease.IsAcquired)
            {
                granted++;
            }
            else
            {
                refused++;
            }
        }

        return new Counts(granted, refused);
    }

    private static async Task<string> InfoAsync(IConnectionMultiplexer admin, System.Net.EndPoint endpoint, string section)
    {
        try
        {
            return (string?)await admin.GetServer(endpoint).ExecuteAsync("INFO", section).WaitAsync(TimeSpan.FromSeconds(1), Ct) ?? "";
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return "";
        }
    }

    private static string? InfoField(string info, string name) => info.Split('\n')
        .Select(l => l.Trim())
        .FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static async Task SignalAsync(string signal, string? pid)
    {
        Assert.False(string.IsNullOrEmpty(pid), "the master's process_id is unknown");
        var result = await ProcessRunner.RunAsync("kill", [signal, pid!]);
        Assert.True(result.ExitCode == 0, $"kill {signal} {pid}: {result.StandardError}");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string failure)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, failure);
            await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        }
    }
}
