using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

[Collection(ProcessCollection.Name)]
public sealed class YahooFetchCommandTests
{
    [Fact]
    public async Task Fetch_FromSimulator_PrintsParseJson()
    {
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");

        var result = await ProcessRunner.RunStockDataAsync(
            ["yahoo", "fetch", "VOD.L", "--from", "2026-11-02", "--to", "2026-11-21", "--base-url", sim.BaseUrl.ToString().TrimEnd('/')]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal("VOD.L", root.GetProperty("symbol").GetString());
        Assert.Equal("GBp", root.GetProperty("currency").GetString());
        Assert.Equal("Europe/London", root.GetProperty("exchange_timezone").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        var bars = root.GetProperty("bars");
        Assert.Equal(15, bars.GetArrayLength()); // three weeks of weekdays
        Assert.Equal("2026-11-02", bars[0].GetProperty("local_date").GetString());
        Assert.Equal("2026-11-20", bars[bars.GetArrayLength() - 1].GetProperty("local_date").GetString());
    }

    [Fact]
    public async Task Fetch_NotFoundSymbol_PrintsErrorCategoryExit0()
    {
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z");

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "fetch", "ZZGONE", "--base-url", sim.BaseUrl.ToString().TrimEnd('/')]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("not_found", json.RootElement.GetProperty("error").GetProperty("category").GetString());
    }

    [Fact]
    public async Task Fetch_IntradayBeyondWindow_ClearErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "fetch", "AAPL", "--interval", "1m", "--from", "2020-01-01",
            "--base-url", "http://127.0.0.1:9"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("1m bars only for the last 30 days", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Fetch_HostileSymbol_RejectedBeforeAnyRequest()
    {
        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "fetch", "../admin", "--base-url", "http://127.0.0.1:9"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invalid symbol '../admin'", result.StandardError, StringComparison.Ordinal);
    }
}
