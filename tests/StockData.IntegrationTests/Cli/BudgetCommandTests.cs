using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.IntegrationTests.Quality;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary>
/// <c>stockdata budget</c> against a known universe and a known spend: the plan follows the schedules (twice a trading
/// day per daily symbol, every intraday refresh interval per intraday one), the spend is what the simulator served.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BudgetCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly Dictionary<string, string?> Tight = new()
    {
        ["StockData__Daemon__IntradayRefreshInterval"] = "00:30:00",
        ["StockData__RateLimit__PermitsPerSecond"] = "0.001",
        ["StockData__RateLimit__Burst"] = "1",
    };

    [Fact]
    public async Task Budget_KnownUniverseAndSpend_PrintsPlanAndSpend_WarnsAboveTheAllowance()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0");
        var store = new QualityHarness(postgres);
        var symbols = QualityHarness.UsSymbols(5);
        Assert.Equal(0, (await store.CliAsync(sim, null, ["symbols", "add", .. symbols.Take(3)])).ExitCode);
        Assert.Equal(0, (await store.CliAsync(sim, null, ["symbols", "add", "--interval", "5m", .. symbols.Skip(3)])).ExitCode);
        var replay = await store.ReplayAsync(sim, ReplayHarness.WriteSymbolFile(symbols), "--from", "2026-09-01");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        var served = (await sim.StatsAsync()).GetProperty("total_requests").GetInt64();

        var json = await store.CliAsync(sim, Tight, "budget", "--json");
        var text = await store.CliAsync(sim, new Dictionary<string, string?> { ["StockData__RateLimit__PermitsPerSecond"] = "1" }, "budget");

        Assert.True(json.ExitCode == 0, json.ToString());
        var egress = Assert.Single(JsonDocument.Parse(json.StandardOutput).RootElement.GetProperty("egresses").EnumerateArray());
        Assert.Equal("default", egress.GetProperty("egress").GetString());
        Assert.Equal(86.4, egress.GetProperty("allowance_per_day").GetDouble(), 6);
        // Three daily symbols twice a trading day, two 5m symbols every 30 minutes around the clock.
        Assert.Equal((3 * 2) + (2 * 48), egress.GetProperty("plan_per_day").GetDouble());
        Assert.True(egress.GetProperty("over_allowance").GetBoolean());
        Assert.Contains("warning: egress default", json.StandardError, StringComparison.Ordinal);
        // The replay's requests, booked under its purpose by the replay process itself.
        Assert.True(served > 0);
        Assert.Equal(served, egress.GetProperty("spent_by_purpose").GetProperty("replay").GetInt64());
        Assert.Equal(served, egress.GetProperty("spent_last_day").GetInt64());
        Assert.Equal(0, egress.GetProperty("spent_by_purpose").GetProperty("repair").GetInt64());

        // The default allowance (1 request/s) holds that plan: no warning; the tables name the egress and the purposes.
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.DoesNotContain("warning", text.StandardError, StringComparison.Ordinal);
        Assert.Contains("egress default: allowance 86,400 requests/day", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("replay", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5m", text.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Budget_EgressPool_BooksEachRequestToTheEgressItWentThrough_PlansAShareEach()
    {
        postgres.EnsureAvailable();
        await using var first = await PrivateServer.StartTinyproxyAsync("127.0.0.2");
        await using var second = await PrivateServer.StartTinyproxyAsync("127.0.0.3");
        await using var sim = await SimulatorProcess.StartAsync("--now", QualityHarness.Now, "--null-rows", "0");
        var store = new QualityHarness(postgres);
        var pool = new Dictionary<string, string?>
        {
            ["StockData__Yahoo__Egress__0__Id"] = "e1",
            ["StockData__Yahoo__Egress__0__Proxy"] = first.ConnectionString,
            ["StockData__Yahoo__Egress__1__Id"] = "e2",
            ["StockData__Yahoo__Egress__1__Proxy"] = second.ConnectionString,
            // Slow enough per egress that the router uses both.
            ["StockData__RateLimit__PermitsPerSecond"] = "4",
        };
        var symbols = QualityHarness.UsSymbols(12);
        Assert.Equal(0, (await store.CliAsync(sim, pool, ["symbols", "add", .. symbols])).ExitCode);

        var replay = await store.CliAsync(sim, pool, "replay", ReplayHarness.WriteSymbolFile(symbols), "--from", "2026-09-01");
        var json = await store.CliAsync(sim, pool, "budget", "--json");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        var perClient = (await sim.StatsAsync()).GetProperty("per_client").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var egresses = JsonDocument.Parse(json.StandardOutput).RootElement.GetProperty("egresses").EnumerateArray()
            .ToDictionary(e => e.GetProperty("egress").GetString()!);
        // The two configured egresses, nothing booked to the implicit one.
        Assert.Equal(["e1", "e2"], egresses.Keys.Order());
        Assert.True(perClient.Values.Sum() >= symbols.Count);
        // Both egresses carried requests, each through its own proxy.
        Assert.Equal(["127.0.0.2", "127.0.0.3"], perClient.Keys.Order());
        // Each egress's spend is what went out through its proxy (the simulator sees the proxy's address).
        Assert.Equal(perClient.GetValueOrDefault("127.0.0.2"), egresses["e1"].GetProperty("spent_by_purpose").GetProperty("replay").GetInt64());
        Assert.Equal(perClient.GetValueOrDefault("127.0.0.3"), egresses["e2"].GetProperty("spent_by_purpose").GetProperty("replay").GetInt64());
        Assert.Equal(perClient.Values.Sum(), egresses.Values.Sum(e => e.GetProperty("spent_last_day").GetInt64()));
        // Twelve daily symbols, twice a trading day, spread over two egresses.
        Assert.All(egresses.Values, e => Assert.Equal(12.0, e.GetProperty("plan_per_day").GetDouble(), 6));
    }
}
