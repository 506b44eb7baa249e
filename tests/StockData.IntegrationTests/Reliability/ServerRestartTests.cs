using System.Diagnostics;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Reliability;

/// <summary>
/// A server restarted under a running replay: PostgreSQL (the writer's retries carry the run over the gap) and Redis
/// (the limiter and the response cache fall back in-process and come back). Each uses a private server of its own
/// (scripts/services.sh through <see cref="PrivateServer"/>), never the one other tests share; the stored bars must
/// equal a clean run's, symbol by symbol.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ServerRestartTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Symbols = 30;

    [Fact]
    public async Task Replay_PostgresRestartedMidRun_CompletesAfterRetries_NothingLost()
    {
        postgres.EnsureAvailable();
        await using var server = await PrivateServer.StartPostgresAsync();
        await DurableCommitsAsync(server);
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var file = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(Symbols));
        var (cleanSums, expectedRows) = await CleanRunAsync(sim, file);

        var harness = new ReplayHarness(server.ConnectionString, sim);
        await using var replay = harness.Start(file, new Dictionary<string, string?>
        {
            // A restart takes a few seconds here (pg_ctl stop, then start): give the writer a retry budget past it
            // (about 0.2 + 0.4 + 0.8 + 1.6 + 6 × 2 s, jittered) instead of the 6 s the defaults add up to.
            ["StockData__Writer__MaxRetries"] = "10",
            ["StockData__Writer__RetryMaxDelay"] = "00:00:02",
        }, "--concurrency", "2", "--rate", "6", "--burst", "1");
        Assert.True(await replay.WaitUntilAsync(async () => await harness.RowsOrZeroAsync() >= expectedRows / 3, TimeSpan.FromMinutes(2)),
            replay.StandardError);
        var atStop = await harness.RowsOrZeroAsync();
        var down = Stopwatch.StartNew();
        await server.StopAsync(immediate: true);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartAgainAsync();
        var outage = down.Elapsed;
        var result = await replay.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Symbols, ReplayHarness.SummaryValue(result, "symbols ok"));
        Assert.Contains("retrying", result.StandardError + result.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(cleanSums, await harness.SymbolChecksumsAsync());
        Assert.Equal(expectedRows, await harness.RowsOrZeroAsync());
        Assert.Empty(await harness.ViolationsAsync(cleanSums));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"postgres restart: {Symbols} symbols, {expectedRows} rows, stopped at {atStop} rows, down {outage.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Replay_RedisRestartedMidRun_Completes_NothingLost()
    {
        postgres.EnsureAvailable();
        await using var redis = await PrivateServer.StartRedisAsync();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var file = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(Symbols));
        var (cleanSums, expectedRows) = await CleanRunAsync(sim, file);

        var harness = new ReplayHarness(postgres, sim);
        await using var replay = harness.Start(file, new Dictionary<string, string?>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["StockData__RateLimit__ProbeInterval"] = "00:00:01",
        }, "--concurrency", "2", "--rate", "6", "--burst", "1");
        Assert.True(await replay.WaitUntilAsync(async () => await harness.RowsOrZeroAsync() >= expectedRows / 4, TimeSpan.FromMinutes(2)),
            replay.StandardError);
        var atStop = await harness.RowsOrZeroAsync();
        await redis.StopAsync();
        // Down long enough for several fetches to go through the fallback.
        Assert.True(await replay.WaitUntilAsync(async () => await harness.RowsOrZeroAsync() >= expectedRows / 2, TimeSpan.FromMinutes(2)),
            replay.StandardError);
        var duringOutage = await harness.RowsOrZeroAsync() - atStop;
        await redis.StartAgainAsync();
        var result = await replay.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Symbols, ReplayHarness.SummaryValue(result, "symbols ok"));
        Assert.True(duringOutage > 0);
        Assert.Equal(cleanSums, await harness.SymbolChecksumsAsync());
        Assert.Equal(expectedRows, await harness.RowsOrZeroAsync());
        Assert.Empty(await harness.ViolationsAsync(cleanSums));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"redis restart: {Symbols} symbols, {expectedRows} rows, stopped at {atStop} rows, {duringOutage} rows written while down");
    }

    /// <summary>
    /// The test servers run with synchronous_commit=off for speed (services.sh), and an immediate stop then loses
    /// the last acknowledged commits, as PostgreSQL documents: no client can survive that. Production keeps the default
    /// (on); so does this database, so a crash-like stop loses nothing that was reported committed.
    /// </summary>
    private static async Task DurableCommitsAsync(PrivateServer server)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("ALTER DATABASE postgres SET synchronous_commit TO on", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<(Dictionary<string, string> Sums, long Rows)> CleanRunAsync(SimulatorProcess sim, string file)
    {
        var clean = new ReplayHarness(postgres, sim);
        var run = await clean.RunAsync(file);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (await clean.SymbolChecksumsAsync(), await clean.RowsOrZeroAsync());
    }
}
