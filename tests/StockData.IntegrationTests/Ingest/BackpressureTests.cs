using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Ingest;

/// <summary>
/// Backpressure reaches the source: with the write stage held (this test holds a lock on the bars table), the replay
/// reads no more symbols than the bounded capacities plus what is in flight, its memory stays flat, and it finishes
/// once the lock is released.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class BackpressureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    // Default capacities (IngestOptions): fetch 16 + 8 in flight, parse 8 + 2, sequence 8 chunks, batcher 8 chunks +
    // 2 batches out, write 2 batches + 1 being written (a 10-year symbol is about 5 chunks; 2 symbols a batch), plus the
    // symbol the source is sending. About 55 symbols; 80 leaves room for rounding, far below the 300 in the file.
    private const int SourceBound = 80;

    [GeneratedRegex("""^stockdata_stage_items_in_total\{stage="source"\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex SourceCounter();

    [Fact]
    public async Task Replay_WriteStageHeld_SourceStopsAtBoundedCapacity_ThenFinishes()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var harness = new ReplayHarness(postgres, sim);
        var symbols = ReplayHarness.SampleSymbols(300);
        var file = ReplayHarness.WriteSymbolFile(symbols);
        var migrate = await ProcessRunner.RunStockDataAsync(["migrate"], harness.Environment());
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        await using var holder = await postgres.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {harness.Schema}.daily_bars IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var port = LoopbackPorts.Free();
        await using var replay = harness.Start(file, ProcessMemory.WithFixedGen0Budget(), "--from", "2016-11-27", "--metrics-port", port.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient();

        // Wait until the source stops advancing (the graph is full), then watch it stay put.
        double read = -1;
        var samples = new List<(double Read, double RssMb)>();
        for (var i = 0; i < 120 && samples.Count < 6; i++)
        {
            await Task.Delay(500);
            var now = await SourceReadAsync(http, port);
            if (now is null)
            {
                continue;
            }

            if (now == read)
            {
                samples.Add((now.Value, replay.ResidentMegabytes()));
            }
            else
            {
                samples.Clear();
            }

            read = now.Value;
        }

        Assert.True(samples.Count == 6, $"the source never settled (last read {read}).\n{replay.StandardError}");
        Assert.InRange(read, 1, SourceBound);
        Assert.All(samples, s => Assert.Equal(read, s.Read));
        // Held, nothing but the metrics scrapes allocates; garbage alone raises the resident set by at most the fixed
        // generation-0 budget before a collection (one sized from the CPU cache can be 82 MB), so twice the budget
        // bounds it on any machine.
        var budgetMb = ProcessMemory.Gen0BudgetBytes / 1048576.0;
        Assert.True(samples[^1].RssMb - samples[0].RssMb < 2 * budgetMb, $"memory grew while held: {string.Join(", ", samples.Select(s => s.RssMb))} MB");
        Assert.False(replay.HasExited);

        await transaction.RollbackAsync();
        var result = await replay.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(300, ReplayHarness.SummaryValue(result, "symbols ok"));
        Assert.Equal(300L, await harness.ScalarAsync<long>("SELECT count(DISTINCT symbol) FROM daily_bars"));
    }

    private static async Task<double?> SourceReadAsync(HttpClient http, int port)
    {
        try
        {
            var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            var match = SourceCounter().Match(text);
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }
}
