using System.Globalization;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.IntegrationTests.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>
/// Three <c>stockdata replay</c> processes, each with its own Redis connection, share one bucket and one cooldown
/// (fleet rate, shared 429 pause, Redis stopped mid-run), checked against the simulator's own arrival log.
/// </summary>
/// <remarks>
/// The arrival checks allow the requests of <see cref="LatencySpread"/> more than the bucket: the bucket grants slots,
/// the simulator times arrivals, and a slot's request can arrive that much late on this loaded 2-core machine (a
/// late request bunches with the next ones). Three processes with a bucket each would send three times the rate.
/// </remarks>
[Collection(ProcessCollection.Name)]
public sealed class SharedLimiterProcessTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private const double LatencySpread = 0.25;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeReplicas_OverlappingLists_ShareOneBucket_NoUpstream429()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // The upstream allows 40/s with a burst of 10; the replicas' one bucket 30/s with a burst of 5 (one bucket per
        // replica would be 90/s).
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0", "--rate", "40", "--burst", "10");
        var harness = new ReplayHarness(postgres, sim);
        var symbols = ReplayHarness.SampleSymbols(160);
        var env = Environment(redis.ConnectionString, redis.KeyPrefix, replicas: 3);

        var replicas = Enumerable.Range(0, 3)
            .Select(i => harness.Start(ReplayHarness.WriteSymbolFile(symbols.Skip(i * 40).Take(80)), env,
                "--from", "2026-10-01", "--rate", "30", "--burst", "5", "--concurrency", "4"))
            .ToList();
        var results = await Task.WhenAll(replicas.Select(r => r.WaitAsync(TimeSpan.FromMinutes(4))));
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }

        var stats = await sim.StatsAsync(Ct);
        var arrivals = SimArrivals.From(stats);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(0, stats.GetProperty("responses_429").GetInt64());
        // Every symbol was fetched, the overlap once per replica at most (the response cache may serve it from Redis).
        Assert.InRange(arrivals.Requests.Count, 160, 240);
        var excess = arrivals.WorstExcess(rate: 30, burst: 5 + (30 * LatencySpread));
        Assert.True(excess <= 0, $"the arrivals beat the shared bucket by {excess:0.0} requests");
        Assert.Equal(160L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE watermark IS NOT NULL"));
    }

    [Fact]
    public async Task UpstreamThrottles_EveryReplicaPausesForTheCooldown()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // One request per second upstream, 40/s in the bucket: after each pause the replicas get about one request
        // through, then run into 429s (Retry-After: 1 s) again, all along. The upstream is that slow so three replicas
        // outrun it even on a loaded machine (at 3/s, three replicas each slowed to under one fetch a second by a busy
        // CPU never met a 429, and the test had nothing to check).
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0", "--rate", "1", "--burst", "1");
        var harness = new ReplayHarness(postgres, sim);
        var symbols = ReplayHarness.SampleSymbols(12);
        var env = Environment(redis.ConnectionString, redis.KeyPrefix, replicas: 3);
        env["StockData__Fetch__MaxRetries"] = "20";
        env["StockData__Fetch__RetryMaxDelay"] = "00:00:02";

        var replicas = Enumerable.Range(0, 3)
            .Select(i => harness.Start(ReplayHarness.WriteSymbolFile(symbols.Skip(i * 4).Take(4)), env,
                "--from", "2026-10-01", "--rate", "40", "--burst", "2", "--concurrency", "1"))
            .ToList();
        var results = await Task.WhenAll(replicas.Select(r => r.WaitAsync(TimeSpan.FromMinutes(4))));
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }

        var arrivals = SimArrivals.From(await sim.StatsAsync(Ct));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var throttled = arrivals.TimesOf(429).ToList();
        Assert.True(throttled.Count >= 3, $"only {throttled.Count} 429s: the test did not throttle");
        Assert.Equal(12, arrivals.TimesOf(200).Count());
        // After each 429 the shared cooldown (1 s) holds every replica: nothing arrives in the middle of it. The first
        // 0.4 s leave room for requests already on their way, and for the 429 to reach Redis.
        foreach (var t in throttled)
        {
            var during = arrivals.Requests.Where(r => r.Seconds > t + 0.4 && r.Seconds < t + 0.9).ToList();
            Assert.True(during.Count == 0,
                $"{during.Count} request(s) arrived {string.Join(", ", during.Select(r => (r.Seconds - t).ToString("0.000", CultureInfo.InvariantCulture)))} s after the 429 at {t:0.000} s");
        }
    }

    [Fact]
    public async Task RedisStoppedMidRun_ReplicasGoOnAtTheFallbackRate_ThenShareTheBucketAgain()
    {
        postgres.EnsureAvailable();
        await using var server = await PrivateServer.StartRedisAsync();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0", "--rate", "15", "--burst", "10");
        var harness = new ReplayHarness(postgres, sim);
        // 48 s of work at 9/s: the replicas must still be running when Redis is back, or nothing takes a token from it
        // (seen under load 18: the first version's 12 s of work was done, in fallback, before the return).
        var symbols = ReplayHarness.SampleSymbols(432);
        Assert.Equal(432, symbols.Count);
        var prefix = "t:" + Guid.NewGuid().ToString("N")[..8] + ":";
        var env = Environment(server.ConnectionString, prefix, replicas: 3);
        env["StockData__RateLimit__ProbeInterval"] = "00:00:00.500";
        env["StockData__RateLimit__RedisTimeout"] = "00:00:00.500";
        var ports = Enumerable.Range(0, 3).Select(_ => LoopbackPorts.Free()).ToList();

        // 9/s shared, 3/s each while Redis is down.
        var replicas = Enumerable.Range(0, 3)
            .Select(i => harness.Start(ReplayHarness.WriteSymbolFile(symbols.Skip(i * 144).Take(144)), env,
                "--from", "2026-10-01", "--rate", "9", "--burst", "3", "--concurrency", "4",
                "--metrics-port", ports[i].ToString(CultureInfo.InvariantCulture)))
            .ToList();
        try
        {
            Assert.True(await replicas[0].WaitUntilAsync(async () => (await sim.StatsAsync(Ct)).GetProperty("total_requests").GetInt64() >= 60,
                TimeSpan.FromMinutes(2)), "the replicas never got going");
            await server.StopAsync();
            var stoppedAt = SimArrivals.From(await sim.StatsAsync(Ct)).NowSeconds;

            Assert.True(await replicas[0].WaitUntilAsync(async () => (await FallbackGaugesAsync(ports)).InFallback == 3, TimeSpan.FromSeconds(30)),
                "not every replica reported the fallback");
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            var restartedAt = SimArrivals.From(await sim.StatsAsync(Ct)).NowSeconds;
            await server.StartAgainAsync();
            // A deadline, not a timing claim: the multiplexer's reconnect backs off while Redis is down, and on a loaded
            // 2-core machine its retries and the next probe can take longer than half a minute to come round.
            // Each replica says so itself: one that has exited (its work done) answers nothing, which is no return.
            var returned = await replicas[0].WaitUntilAsync(async () => (await FallbackGaugesAsync(ports)).Shared == 3, TimeSpan.FromSeconds(150));
            Assert.True(returned, $"the replicas did not return to the shared bucket: {await FallbackGaugesAsync(ports)}");
            // The restarted Redis is empty: the bucket reappears once the replicas take their tokens from it again (it
            // expires about a second after the last grant, so it is looked for while they run).
            await using var check = await RateLimiters.ConnectAsync(server.ConnectionString);
            var admin = check.GetServer(check.GetEndPoints()[0]);
            Assert.True(await replicas[0].WaitUntilAsync(
                    () => Task.FromResult(admin.Keys(pattern: prefix + "rl:*").Any(k => ((string)k!).EndsWith(":tat", StringComparison.Ordinal))),
                    TimeSpan.FromSeconds(10)),
                "no shared bucket in the restarted Redis");

            var results = await Task.WhenAll(replicas.Select(r => r.WaitAsync(TimeSpan.FromMinutes(4))));
            var stats = await sim.StatsAsync(Ct);
            var arrivals = SimArrivals.From(stats);
            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
            Assert.Equal(0, stats.GetProperty("responses_429").GetInt64());
            Assert.Equal(symbols.Count, arrivals.TimesOf(200).Count());
            // Down: three local buckets of 3/s (burst 1 each) add up to the shared rate.
            var outage = arrivals.WorstExcess(rate: 9, burst: 3 + (9 * LatencySpread), from: stoppedAt + 1, to: restartedAt);
            Assert.True(outage <= 0, $"during the outage the replicas beat 3 x 3/s by {outage:0.0} requests");
            Assert.True(arrivals.Requests.Count(r => r.Seconds > stoppedAt + 1 && r.Seconds < restartedAt) >= 8,
                $"nothing went on during the outage ({stoppedAt:0.0}-{restartedAt:0.0} s); arrivals per second: " +
                string.Join(" ", arrivals.Requests.GroupBy(r => (int)r.Seconds).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}")));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static Dictionary<string, string?> Environment(string redisConnection, string keyPrefix, int replicas) => new()
    {
        ["ConnectionStrings__Redis"] = redisConnection,
        ["StockData__RateLimit__KeyPrefix"] = keyPrefix + "rl:",
        ["StockData__RateLimit__Upstream"] = "u" + Guid.NewGuid().ToString("N")[..10],
        ["StockData__RateLimit__Replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
        ["StockData__Cache__KeyPrefix"] = keyPrefix + "cache:" + Guid.NewGuid().ToString("N")[..8] + ":",
    };

    /// <summary>
    /// How many of the replicas' metric endpoints show <c>stockdata_ratelimit_fallback 1</c> (in fallback) and how many
    /// show <c>0</c> (on the shared bucket); a replica that does not answer (not listening yet, or exited) is neither.
    /// </summary>
    private static async Task<(int InFallback, int Shared)> FallbackGaugesAsync(IEnumerable<int> ports)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var (fallback, shared) = (0, 0);
        foreach (var port in ports)
        {
            try
            {
                var lines = (await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"))).Split('\n').Select(l => l.Trim()).ToList();
                fallback += lines.Contains("stockdata_ratelimit_fallback 1") ? 1 : 0;
                shared += lines.Contains("stockdata_ratelimit_fallback 0") ? 1 : 0;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or already finished.
            }
        }

        return (fallback, shared);
    }
}
