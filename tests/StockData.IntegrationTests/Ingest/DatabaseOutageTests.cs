using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Ingest;

/// <summary>
/// A fatal failure stops the run with one clear message and a non-zero exit: the store goes away mid-replay (a private
/// PostgreSQL of this test's own, stopped hard) and stays away past the writer's retries.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Replay_DatabaseGoneForGood_StopsWithOneClearMessageExit1()
    {
        await using var server = await PrivateServer.StartPostgresAsync();
        await using var sim = await SimulatorProcess.StartAsync("--now", "2026-11-27T21:00:00Z", "--null-rows", "0");
        var file = Path.Combine(Path.GetTempPath(), $"outage-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(file, Enumerable.Range(1, 200).Select(i => $"OUT{i:D3}"));
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = server.ConnectionString + ";Timeout=3;Command Timeout=10",
            ["StockData__Writer__MaxRetries"] = "2",
            ["StockData__Writer__RetryMaxDelay"] = "00:00:01",
            ["StockData__Ingest__DrainTimeout"] = "00:00:10",
        };

        await using var replay = ChildProcess.StartStockData(
            ["replay", file, "--base-url", sim.BaseUrl.ToString().TrimEnd('/'), "--rate", "30", "--burst", "1", "--from", "2020-01-01"], env);
        Assert.True(await replay.WaitUntilAsync(async () => await RowsAsync(server.ConnectionString) > 1000, TimeSpan.FromMinutes(2)),
            replay.StandardError);
        await server.StopAsync(immediate: true);
        var result = await replay.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stockdata: the run stopped:", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<long> RowsAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM daily_bars", connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            return 0; // not migrated yet
        }
    }
}
