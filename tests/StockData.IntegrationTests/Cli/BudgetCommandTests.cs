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
}
