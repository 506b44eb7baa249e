using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.TestSupport;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Upstream.Egress;

/// <summary>
/// The egress pool through real forward proxies: one tinyproxy per egress, each binding its outgoing connections to its
/// own loopback address, against the simulator's per-client-address limit (as Yahoo limits each IP).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class EgressPoolTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string SimNow = "2026-11-27T21:00:00Z";

    /// <summary>Each egress's bucket: below the simulator's 10/s per client, as a deployment leaves headroom.</summary>
    private const double EgressRate = 9;

    /// <summary>
    /// The simulator's per-client burst: two more than the buckets' 2, for the requests a slot's send can arrive late by
    /// on this loaded 2-core machine, where each proxy is one more process to be descheduled (a late request bunches
    /// with the next ones; SharedLimiterProcessTests allows the same spread). A routing error is no matter of two
    /// requests: three egresses' traffic through one would exceed its 10/s by 17/s.
    /// </summary>
    private const string PerClientBurst = "4";

    private static readonly string[] Symbols =
        ["AAPL", "MSFT", "GOOG", "AMZN", "META", "NVDA", "TSLA", "JPM", "V", "WMT", "XOM", "KO", "PEP", "DIS", "INTC", "CSCO"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeEgresses_ThroughThreeProxies_EachCarriesAShare_No429_FasterThanOneEgressCould()
    {
        redis.EnsureAvailable();
        await using var proxies = await Proxies.StartAsync(3);
        await using var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0", "--rate-per-client", "10", "--burst-per-client", PerClientBurst);
        using var host = new FetchHost(sim.BaseUrl, redis, Settings(proxies.Urls));
        const int requests = 90;

        var started = Stopwatch.GetTimestamp();
        var statuses = await FetchAllAsync(host, requests, concurrency: 12);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var stats = await sim.StatsAsync(Ct);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(stats.GetProperty("responses_429").GetInt64() == 0, Throttled(stats));
        var perClient = PerClient(stats);
        // Every egress carried a share, each from its own proxy's address (never this machine's 127.0.0.1 directly).
        Assert.Equal(["127.0.0.2", "127.0.0.3", "127.0.0.4"], perClient.Keys.Order());
        Assert.Equal(requests, perClient.Values.Sum());
        Assert.All(perClient.Values, n => Assert.InRange(n, requests / 6, requests / 2));
        // One egress's bucket alone needs (requests - burst) / rate for them: the pool did better than any one egress can.
        var oneEgress = TimeSpan.FromSeconds((requests - 2) / EgressRate);
        Assert.True(elapsed < oneEgress, $"{requests} requests took {elapsed}, one egress needs at least {oneEgress}");
    }

    [Fact]
    public async Task OneEgressProxyDead_ItsBreakerOpens_TheOthersFinishEveryRequest()
    {
        redis.EnsureAvailable();
        await using var proxies = await Proxies.StartAsync(2);
        // Nothing listens there: every connection to this egress's proxy is refused.
        var dead = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        await using var sim = await SimulatorProcess.StartAsync("--now", SimNow, "--null-rows", "0", "--rate-per-client", "10", "--burst-per-client", PerClientBurst);
        var settings = Settings([dead, .. proxies.Urls]);
        settings["StockData:Fetch:CircuitBreaker:MinimumThroughput"] = "3";
        settings["StockData:Fetch:CircuitBreaker:FailureRatio"] = "0.5";
        settings["StockData:Fetch:CircuitBreaker:SamplingDuration"] = "00:00:30";
        settings["StockData:Fetch:CircuitBreaker:BreakDuration"] = "00:01:00";
        using var host = new FetchHost(sim.BaseUrl, redis, settings);
        const int requests = 60;

        var statuses = await FetchAllAsync(host, requests, concurrency: 8);

        var stats = await sim.StatsAsync(Ct);
        // Nothing lost: every request succeeded through the live egresses.
        Assert.Equal(requests, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.True(stats.GetProperty("responses_429").GetInt64() == 0, Throttled(stats));
        var perClient = PerClient(stats);
        Assert.Equal(["127.0.0.2", "127.0.0.3"], perClient.Keys.Order());
        Assert.Equal(requests, perClient.Values.Sum());
        var states = host.Fetch.EgressCircuitStates;
        Assert.Equal(CircuitState.Open, states["e0"]);
        Assert.Equal(CircuitState.Closed, states["e1"]);
        Assert.Equal(CircuitState.Closed, states["e2"]);
        // The pool as a whole still serves: its breaker state is the best of its egresses'.
        Assert.Equal(CircuitState.Closed, host.Fetch.CircuitState);
    }

    private static Dictionary<string, string?> Settings(IReadOnlyList<Uri> proxies)
    {
        var settings = new Dictionary<string, string?>
        {
            ["StockData:RateLimit:PermitsPerSecond"] = EgressRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StockData:RateLimit:Burst"] = "2",
            ["StockData:Cache:Enabled"] = "false",
            ["StockData:Fetch:MaxRetries"] = "6",
        };
        for (var i = 0; i < proxies.Count; i++)
        {
            settings[$"StockData:Yahoo:Egress:{i}:Id"] = "e" + i;
            settings[$"StockData:Yahoo:Egress:{i}:Proxy"] = proxies[i].ToString();
        }

        return settings;
    }

    private static async Task<List<HttpStatusCode>> FetchAllAsync(FetchHost host, int requests, int concurrency)
    {
        var statuses = new List<HttpStatusCode>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < requests; n = Interlocked.Increment(ref next))
            {
                var request = YahooChartRequest.ForRange(Symbols[n % Symbols.Length], BarInterval.Daily, "5d");
                using var response = await host.Fetch.FetchAsync(request, Ct);
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                }
            }
        }));
        return statuses;
    }

    /// <summary>The 429s the simulator served: when (ms since its start) and to which client address.</summary>
    private static string Throttled(JsonElement stats) =>
        "429s: " + string.Join(", ", stats.GetProperty("arrivals").EnumerateArray().Where(a => a[1].GetInt32() == 429)
            .Select(a => $"{a[0].GetDouble():0} ms from {a[2].GetString()}"));

    /// <summary>The simulator's chart requests per client address.</summary>
    private static Dictionary<string, long> PerClient(JsonElement stats) =>
        stats.GetProperty("per_client").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    /// <summary>N tinyproxies, the k-th binding 127.0.0.(k+1) (127.0.0.2 first), stopped on dispose.</summary>
    private sealed class Proxies : IAsyncDisposable
    {
        private readonly List<PrivateServer> _servers = [];

        public IReadOnlyList<Uri> Urls => _servers.Select(s => new Uri(s.ConnectionString)).ToList();

        public static async Task<Proxies> StartAsync(int count, int firstAddress = 2)
        {
            var proxies = new Proxies();
            try
            {
                for (var k = 0; k < count; k++)
                {
                    proxies._servers.Add(await PrivateServer.StartTinyproxyAsync($"127.0.0.{firstAddress + k}"));
                }
            }
            catch
            {
                await proxies.DisposeAsync();
                throw;
            }

            return proxies;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
