using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>The worker's HTTP surface: bars with refresh (single-flight), CSV, health, the API key off loopback, bad parameters.</summary>
[Collection(ProcessCollection.Name)]
public class DaemonHttpTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private const string ApiKey = "test-key-0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BarsEndpoint_RefreshUnderFiftyConcurrentClients_OneUpstreamRequest()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // A slow upstream (1 s) so all fifty requests arrive while the one fetch is in flight.
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0", "--latency", "00:00:01");
        var harness = new DaemonHarness(postgres, redis, sim);
        await using var worker = await harness.StartWorkerAsync("w1");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await worker.Http.GetAsync(new Uri("/bars/ORCL?refresh=true&from=2026-11-02", UriKind.Relative), Ct);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        Assert.Equal(1, (await harness.RequestsPerSymbolAsync())["ORCL"]);
        var body = JsonDocument.Parse(responses[0].Body).RootElement;
        Assert.Equal("ORCL", body.GetProperty("symbol").GetString());
        var bars = body.GetProperty("bars").EnumerateArray().ToList();
        Assert.Equal(20, bars.Count); // the trading days 2026-11-02 … 2026-11-27 (Thanksgiving is a trading day in the simulator)
        Assert.Equal("2026-11-02", bars[0].GetProperty("date").GetString());
        // A refreshed symbol is stored, not scheduled: the daemon does not start refreshing it.
        Assert.Equal(1L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE symbol = 'ORCL' AND next_fetch_at IS NULL"));

        // Without a refresh, a symbol the store knows nothing of (not in the universe, no bars) is a 400 naming the
        // parameter and the symbol, not an empty answer; ORCL, stored by the refresh above, is known.
        using var unknown = await worker.Http.GetAsync(new Uri("/bars?symbols=ORCL,NOPE,ZZNOPE2&from=2026-11-26", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        var unknownProblem = await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("symbols", unknownProblem.GetProperty("parameter").GetString());
        Assert.StartsWith("symbols: unknown symbols NOPE, ZZNOPE2 ", unknownProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["NOPE", "ZZNOPE2"], unknownProblem.GetProperty("unknown_symbols").EnumerateArray().Select(e => e.GetString()));
        // One symbol by path: the 404 GET /symbols/{symbol} gives for it.
        using var unknownOne = await worker.Http.GetAsync(new Uri("/bars/NOPE", UriKind.Relative), Ct);
        using var unknownCatalog = await worker.Http.GetAsync(new Uri("/symbols/NOPE", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownOne.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownCatalog.StatusCode);
        var (one, catalog) = (await unknownOne.Content.ReadFromJsonAsync<JsonElement>(Ct), await unknownCatalog.Content.ReadFromJsonAsync<JsonElement>(Ct));
        foreach (var key in new[] { "status", "title", "detail", "parameter" })
        {
            Assert.Equal(catalog.GetProperty(key).ToString(), one.GetProperty(key).ToString());
        }


        // The same bars as CSV, without a refresh.
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/bars?symbols=ORCL&from=2026-11-26", UriKind.Relative));
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csv = await worker.Http.SendAsync(csvRequest, Ct);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).TrimEnd('\n').Split('\n');
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType!.ToString());
        Assert.Equal("symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume", lines[0]);
        Assert.Equal(["2026-11-26", "2026-11-27"], lines[1..].Select(l => l.Split(',')[3]));
        Assert.All(lines[1..], l => Assert.StartsWith("ORCL,1d,", l, StringComparison.Ordinal));
        Assert.Equal(1, (await harness.RequestsPerSymbolAsync())["ORCL"]);

        // A refresh the upstream answers with not found: 404, naming the category.
        using var notFound = await worker.Http.GetAsync(new Uri("/bars/ZZNOPE?refresh=true", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("not_found", (await notFound.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("category").GetString());

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Fact]
    public async Task Http_BoundToNonLoopback_ApiKeyEnforced_ProbesOpen_RedisDownDegraded()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0");
        var harness = new DaemonHarness(postgres, redis, sim);
        await using var worker = await harness.StartWorkerAsync("exposed", new Dictionary<string, string?>
        {
            ["StockData__Http__Url"] = "http://0.0.0.0:0",
            ["StockData__Http__ApiKey"] = ApiKey,
            // Nothing listens on port 1: Redis is down from the start. The worker degrades, it does not stop.
            ["ConnectionStrings__Redis"] = "127.0.0.1:1,connectTimeout=500",
        });

        using var ready = await worker.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        var readiness = await ready.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("degraded", readiness.GetProperty("redis").GetString());
        Assert.Equal("ok", readiness.GetProperty("postgres").GetString());
        Assert.Equal("running", readiness.GetProperty("pipeline").GetString());
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct)).StatusCode);
        Assert.Contains("stockdata_leases_held", await worker.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct), StringComparison.Ordinal);

        foreach (var key in new string?[] { null, "wrong-key-0123456789abcdef", ApiKey[..^1] })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(worker, HttpMethod.Get, "/bars/AAPL", key)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(worker, HttpMethod.Get, "/jobs/1", key)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(worker, HttpMethod.Post, "/jobs", key, """{"symbols":["AAPL"]}""")).StatusCode);
        }

        using var problem = await SendAsync(worker, HttpMethod.Get, "/bars/AAPL", null);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);

        // With the key: bars (nothing stored, so the symbol is unknown), and a job round trip.
        using var bars = await SendAsync(worker, HttpMethod.Get, "/bars/AAPL", ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, bars.StatusCode);
        Assert.Equal("symbol", (await bars.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("parameter").GetString());
        using var created = await SendAsync(worker, HttpMethod.Post, "/jobs", ApiKey,
            """{"symbols":["AAPL","MSFT"],"interval":"1d","from":"2026-11-20","priority":"high"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal($"/jobs/{job.GetProperty("id").GetInt64()}", created.Headers.Location!.ToString());
        Assert.Equal(2, job.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
        {
            using var response = await SendAsync(worker, HttpMethod.Get, created.Headers.Location.ToString(), ApiKey);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString() == "done";
        }, TimeSpan.FromMinutes(1)), worker.Process.StandardOutput);

        // Every bad parameter: a 400 problem naming it.
        foreach (var (method, path, body, parameter) in BadParameters)
        {
            using var response = await SendAsync(worker, new HttpMethod(method), path, ApiKey, body);
            var detail = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {response.StatusCode} {detail}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var named = JsonDocument.Parse(detail).RootElement;
            Assert.Equal(parameter, named.GetProperty("parameter").GetString());
            Assert.StartsWith(parameter + ": ", named.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var missing = await SendAsync(worker, HttpMethod.Get, "/jobs/999999", ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    private static readonly (string Method, string Path, string? Body, string Parameter)[] BadParameters =
    [
        ("GET", "/bars/AAPL?interval=7x", null, "interval"),
        ("GET", "/bars/AAPL?from=yesterday", null, "from"),
        ("GET", "/bars/AAPL?to=2026-13-01", null, "to"),
        ("GET", "/bars/AAPL?from=2026-02-01&to=2026-01-01", null, "from"),
        ("GET", "/bars/AAPL?as_of=noon", null, "as_of"),
        ("GET", "/bars/AAPL?as_of=2999-01-01", null, "as_of"),
        ("GET", "/bars/AAPL?adjust=dividends", null, "adjust"),
        ("GET", "/bars/AAPL?refresh=maybe", null, "refresh"),
        ("GET", "/bars/AAPL?refresh=true&as_of=2026-01-01", null, "refresh"),
        ("GET", "/bars/A%20B", null, "symbol"),
        ("GET", "/bars", null, "symbols"),
        ("GET", "/bars?symbols=AAPL,..%2Fetc", null, "symbols"),
        ("GET", "/jobs/abc", null, "id"),
        ("POST", "/jobs", "not json", "body"),
        ("POST", "/jobs", """{"interval":"1d"}""", "symbols"),
        ("POST", "/jobs", """{"symbols":["AAPL"],"priority":"urgent"}""", "priority"),
        ("POST", "/jobs", """{"symbols":["AAPL"],"interval":5}""", "interval"),
        ("POST", "/jobs", """{"symbols":["AAPL"],"from":"2026-02-01","to":"2026-01-01"}""", "from"),
    ];

    [Fact]
    public async Task Run_ExposedWithoutApiKey_ConfigurationErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["run"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody",
            ["StockData__Http__Url"] = "http://0.0.0.0:9464",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("StockData:Http:ApiKey is required", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(WorkerProcess worker, HttpMethod method, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return await worker.Http.SendAsync(request, Ct);
    }
}
