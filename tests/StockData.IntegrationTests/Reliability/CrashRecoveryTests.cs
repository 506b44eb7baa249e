using System.Diagnostics;
using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Reliability;

/// <summary>
/// SIGKILL the replay at points chosen by progress (about 10, 30, 50, 70 and 90 % of the clean run's rows committed)
/// and once in the middle of a COPY (seen in pg_stat_activity), resuming each time; then run to completion. After every
/// kill nothing stored may be wrong (no duplicate, no watermark ahead of its data, a watermarked symbol complete), and
/// at the end the table equals a clean run's, symbol by symbol. Full history (no --from), so the runs after a kill
/// resume from the watermarks, and symbols cut off mid-fetch meet their own rows (the fast path's fallback).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CrashRecoveryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Symbols = 40;

    private static readonly double[] KillPoints = [0.10, 0.30, 0.50, 0.70, 0.90];

    [Fact]
    public async Task Replay_KilledAtProgressPointsAndMidCopy_RunAgain_EqualsCleanRun()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var file = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(Symbols));
        var clean = new ReplayHarness(postgres, sim);
        var cleanRun = await clean.RunAsync(file);
        Assert.True(cleanRun.ExitCode == 0, cleanRun.ToString());
        var cleanSums = await clean.SymbolChecksumsAsync();
        var expectedRows = await clean.RowsOrZeroAsync();
        Assert.Equal(Symbols, cleanSums.Count);

        var harness = new ReplayHarness(postgres, sim);
        var log = new List<string>();
        var runs = 0;
        foreach (var point in KillPoints)
        {
            runs++;
            var target = (long)(expectedRows * point);
            var at = await KillWhenAsync(harness, () => harness.RowsOrZeroAsync().ContinueWith(t => t.Result >= target, TaskScheduler.Default));
            log.Add($"run {runs}: killed at {at} of {expectedRows} rows ({100.0 * at / expectedRows:F0} %, aim {point:P0})");
            Assert.Empty(await harness.ViolationsAsync(cleanSums));

            if (point == 0.50)
            {
                // The mid-COPY kill: the next run from here dies while a COPY of its is running on the server.
                runs++;
                var before = await harness.RowsOrZeroAsync();
                var copying = await KillDuringCopyAsync(harness);
                log.Add($"run {runs}: killed during {copying} (rows {before} before)");
                Assert.Empty(await harness.ViolationsAsync(cleanSums));
            }
        }

        runs++;
        var last = await harness.RunAsync(file);
        Assert.True(last.ExitCode == 0, last.ToString());
        var sums = await harness.SymbolChecksumsAsync();

        Assert.Equal(cleanSums, sums);
        Assert.Equal(expectedRows, await harness.RowsOrZeroAsync());
        Assert.Empty(await harness.ViolationsAsync(cleanSums));
        Assert.Equal(Symbols, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE watermark IS NOT NULL"));
        Assert.Equal(await clean.ScalarAsync<long>("SELECT count(*) FROM dividends"), await harness.ScalarAsync<long>("SELECT count(*) FROM dividends"));
        Assert.Equal(await clean.ScalarAsync<long>("SELECT count(*) FROM splits"), await harness.ScalarAsync<long>("SELECT count(*) FROM splits"));
        TestContext.Current.TestOutputHelper?.WriteLine($"crash recovery: {runs} runs, {Symbols} symbols, {expectedRows} rows; {string.Join("; ", log)}");

        ChildProcess Start() => harness.Start(file, null, "--concurrency", "2", "--rate", "6", "--burst", "1");

        async Task<long> KillWhenAsync(ReplayHarness h, Func<Task<bool>> condition)
        {
            await using var replay = Start();
            var reached = await replay.WaitUntilAsync(condition, TimeSpan.FromMinutes(2));
            replay.Signal(9);
            var result = await replay.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(reached, $"the kill point was never reached: {result}");
            Assert.Equal(137, result.ExitCode);
            return await h.RowsOrZeroAsync();
        }

        async Task<string> KillDuringCopyAsync(ReplayHarness h)
        {
            await using var replay = Start();
            await using var watcher = await postgres.OpenAsync();
            await using var probe = new NpgsqlCommand(
                "SELECT query FROM pg_stat_activity WHERE application_name = @app AND state = 'active' AND query LIKE 'COPY %' LIMIT 1", watcher);
            probe.Parameters.AddWithValue("app", "replay_" + h.Schema);
            string? copy = null;
            var deadline = Stopwatch.StartNew();
            // Polled back to back (a poll takes well under a millisecond): a 5,000-row COPY is on the server for a few.
            while (copy is null && !replay.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(1))
            {
                copy = (string?)await probe.ExecuteScalarAsync();
            }

            replay.Signal(9);
            var result = await replay.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(copy is not null, $"no COPY seen in pg_stat_activity: {result}");
            Assert.Equal(137, result.ExitCode);
            return copy!.Split('(')[0].Trim();
        }
    }
}
