using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><c>stockdata-bench …</c> as a real process: the writer benchmark's output, and a writer killed mid-fetch.</summary>
[Collection(ProcessCollection.Name)]
public sealed partial class BenchCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] JsonKeys =
    [
        "rows", "rounds", "write_concurrency", "raw_copy_rows_per_s", "fresh_rows_per_s", "unchanged_rows_checked_per_s", "changed_rows_per_s",
        "old_way_rows_per_s", "unchanged_tuples_written", "refresh_seconds", "old_way_refresh_seconds", "fresh_ratio",
        "unchanged_checked_ratio", "changed_ratio", "fresh_over_old_way", "refresh_speedup", "fresh_batches", "fresh_fast_path_batches", "spread", "server",
    ];

    private static readonly string[] WriterSpreadKeys =
    [
        "raw_copy_rows_per_s", "packed_raw_copy_rows_per_s", "fresh_rows_per_s", "unchanged_rows_checked_per_s", "changed_rows_per_s",
        "old_way_rows_per_s", "refresh_seconds", "old_way_refresh_seconds", "fresh_ratio", "unchanged_checked_ratio", "changed_ratio",
        "fresh_over_old_way", "refresh_speedup",
    ];

    [Fact]
    public async Task WriterFetch_ProcessKilledBetweenBatchesOfOneFetch_CommittedRowsStayAndTheWatermarkIsNotAhead()
    {
        postgres.EnsureAvailable();
        var schema = "kill_" + Guid.NewGuid().ToString("N")[..10];
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
            ["StockData__Storage__Schema"] = schema,
        };
        string[] args = ["writer-fetch", "--symbol", "KILLME", "--bars", "95", "--batch-size", "20"];

        // A real child process writes one 95-bar fetch in 20-row batches and stops after the second commit.
        using var process = Process.Start(ProcessRunner.CreateStartInfo("dotnet", [RepoPaths.StockDataBenchDll, .. args, "--pause-after", "2"], env))!;
        var lines = new List<string>();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            deadline.CancelAfter(TimeSpan.FromMinutes(2));
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line && line != "paused")
            {
                lines.Add(line);
            }
        }

        Assert.Equal(2, lines.Count);
        Assert.Equal(40, await CountAsync(schema, "SELECT count(*) FROM daily_bars WHERE symbol = 'KILLME'"));
        Assert.Equal(0, await CountAsync(schema, "SELECT count(*) FROM symbol_intervals WHERE watermark IS NOT NULL"));

        process.Kill(); // SIGKILL on Linux: no handler runs, no transaction is finished
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(137, process.ExitCode);

        Assert.Equal(40, await CountAsync(schema, "SELECT count(*) FROM daily_bars WHERE symbol = 'KILLME'"));
        Assert.Equal(0, await CountAsync(schema, "SELECT count(*) FROM symbol_intervals WHERE watermark IS NOT NULL"));

        // Running the fetch again completes it: the committed rows are met as unchanged, nothing is duplicated, and the
        // watermark is the last bar.
        var rerun = await ProcessRunner.RunStockDataBenchAsync(args, env, TimeSpan.FromMinutes(2));
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var committed = BatchLine().Matches(rerun.StandardOutput).ToList();
        Assert.Equal(5, committed.Count);
        Assert.Equal(55, committed.Sum(m => int.Parse(m.Groups["inserted"].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(40, committed.Sum(m => int.Parse(m.Groups["unchanged"].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(95, await CountAsync(schema, "SELECT count(DISTINCT trade_date) FROM daily_bars WHERE symbol = 'KILLME'"));
        Assert.Equal(95, await CountAsync(schema, "SELECT count(*) FROM daily_bars"));
        Assert.Equal(1, await CountAsync(schema,
            "SELECT count(*) FROM symbol_intervals WHERE watermark = (SELECT max(ts) FROM daily_bars WHERE symbol = 'KILLME')"));
    }

    [Fact]
    public async Task BenchWriter_SmallRunAsJson_EveryFigureHasThreeInterleavedSamples_DropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        var result = await ProcessRunner.RunStockDataBenchAsync(["writer", "--symbols", "3", "--bars", "30", "--rounds", "3", "--json"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString }, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(JsonKeys, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(90, root.GetProperty("rows").GetInt32());
        Assert.Equal(3, root.GetProperty("rounds").GetInt32());
        // Batches handed to the writer as the pipeline's write stage does, by default.
        Assert.Equal(new StockData.Ingest.IngestOptions().WriteConcurrency, root.GetProperty("write_concurrency").GetInt32());
        Assert.Equal(0, root.GetProperty("unchanged_tuples_written").GetInt64());
        // Every round's fresh pass takes the fast path (empty tables, names the writer has not seen): one batch a round.
        Assert.Equal(3, root.GetProperty("fresh_batches").GetInt32());
        Assert.Equal(3, root.GetProperty("fresh_fast_path_batches").GetInt32());
        Assert.All(JsonKeys.Except(["unchanged_tuples_written", "spread", "server"]),
            key => Assert.True(root.GetProperty(key).GetDouble() > 0, key));

        // Every figure: at least three samples, min <= median <= max, and the median is the top-level figure.
        var spread = root.GetProperty("spread");
        Assert.Equal(WriterSpreadKeys, spread.EnumerateObject().Select(p => p.Name));
        Assert.All(WriterSpreadKeys, key => AssertSpread(spread.GetProperty(key), key, minSamples: 3));
        Assert.Equal(root.GetProperty("fresh_rows_per_s").GetDouble(), spread.GetProperty("fresh_rows_per_s").GetProperty("median").GetDouble());
        Assert.Equal(root.GetProperty("fresh_ratio").GetDouble(), spread.GetProperty("fresh_ratio").GetProperty("median").GetDouble());

        // Interleaved: a raw-COPY sample right before every timed writer pass (the progress lines on stderr, in order).
        var lines = result.StandardError.Split('\n').Where(l => l.StartsWith("bench writer: (", StringComparison.Ordinal)).ToList();
        var passes = lines.Select((line, i) => (line, i))
            .Where(x => x.line.Contains("(2) fresh", StringComparison.Ordinal) || x.line.Contains("(3) unchanged", StringComparison.Ordinal)
                        || x.line.Contains("(4) changed", StringComparison.Ordinal) || x.line.Contains("(6) old way", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(12, passes.Count);
        Assert.All(passes, x => Assert.Contains("(1) raw COPY:", lines[x.i - 1], StringComparison.Ordinal));

        // The test servers run without durability (scripts/services.sh), and the result says so.
        Assert.Equal("off", root.GetProperty("server").GetProperty("fsync").GetString());
        Assert.False(root.GetProperty("server").GetProperty("durable").GetBoolean());
        Assert.Contains("NOT durable", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }

    [Fact]
    public async Task BenchWriter_OnTheDurableServerOfServicesSh_ServerReportsFsyncOnAndTheResultSaysDurable()
    {
        postgres.EnsureAvailable();
        await using var server = await PrivateServer.StartDurablePostgresAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            foreach (var setting in new[] { "fsync", "synchronous_commit", "full_page_writes" })
            {
                await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
                Assert.Equal("on", (string?)await show.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            }
        }

        var result = await ProcessRunner.RunStockDataBenchAsync(["writer", "--symbols", "2", "--bars", "20", "--rounds", "1", "--json"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = server.ConnectionString }, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var reported = json.RootElement.GetProperty("server");
        Assert.Equal("on", reported.GetProperty("fsync").GetString());
        Assert.Equal("on", reported.GetProperty("full_page_writes").GetString());
        Assert.True(reported.GetProperty("durable").GetBoolean());
        Assert.Contains("(durable: PostgreSQL's defaults)", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchWriterIntraday_SmallRun_BothLayoutsEveryPass_MigrationInPlace_UnchangedWritesNothing_DropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        var result = await ProcessRunner.RunStockDataBenchAsync(["writer-intraday", "--symbols", "2", "--days", "1", "--rounds", "1"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString }, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        // Two symbols × one day of 390 one-minute bars, written through the product's writer before and after the
        // partitioning migration runs on the same table in place.
        Assert.Contains("2 symbols, 780 1m rows", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{new StockData.Ingest.IngestOptions().WriteConcurrency} batch(es) written at once", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("migration 0011 (partitioning 780 rows in place)", result.StandardOutput, StringComparison.Ordinal);
        foreach (var layout in new[] { "unpartitioned", "partitioned" })
        {
            var lines = result.StandardOutput.Split('\n').Where(l => l.StartsWith(layout + " ", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, lines.Count);
            Assert.Contains(lines, l => l.Contains(" fresh ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(" unchanged ", StringComparison.Ordinal) && l.EndsWith("0 tuples written", StringComparison.Ordinal));
            // Every close changed: one revision per row.
            Assert.Contains(lines, l => l.Contains(" changed ", StringComparison.Ordinal) && l.EndsWith("780 revisions kept", StringComparison.Ordinal));
            // The table's size and the changed pass's in-place (HOT) updates, per layout.
            Assert.Single(result.StandardOutput.Split('\n'), l => l.StartsWith(layout + ": intraday_bars ", StringComparison.Ordinal)
                && l.Contains(" MB after the changed pass; ", StringComparison.Ordinal) && l.EndsWith(" of the changed pass's updates HOT", StringComparison.Ordinal));
        }

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }

    [Fact]
    public async Task BenchPipeline_SmallRunWithWarmUpAsJson_TimedRowsOnly_IssueKeys_DropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        var result = await ProcessRunner.RunStockDataBenchAsync(["pipeline", "--symbols", "4", "--years", "1", "--warmup", "3", "--rounds", "3", "--json"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString }, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        string[] keys = ["rows", "rounds", "rows_per_s", "raw_copy_rows_per_s", "ratio_to_raw_copy", "peak_rss_mb", "max_backends", "pool_max", "spread", "server"];
        Assert.Equal(keys, json.RootElement.EnumerateObject().Select(p => p.Name));
        // Four symbols of about a year of daily bars each: the warm-up's three are not counted.
        Assert.InRange(json.RootElement.GetProperty("rows").GetInt64(), 4 * 240, 4 * 260);
        Assert.All(keys[..^2], key => Assert.True(json.RootElement.GetProperty(key).GetDouble() > 0, key));
        Assert.Equal(3, json.RootElement.GetProperty("rounds").GetInt32());
        string[] spreadKeys = ["rows_per_s", "raw_copy_rows_per_s", "ratio_to_raw_copy"];
        var spread = json.RootElement.GetProperty("spread");
        Assert.Equal(spreadKeys, spread.EnumerateObject().Select(p => p.Name));
        Assert.All(spreadKeys, key => AssertSpread(spread.GetProperty(key), key, minSamples: 3));

        // Interleaved: every round's replay is followed by its own raw-COPY sample.
        var rounds = result.StandardError.Split('\n').Where(l => l.Contains(": pipeline ", StringComparison.Ordinal) || l.Contains(": raw COPY of ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, rounds.Count);
        Assert.All(rounds.Chunk(2), pair => Assert.True(pair[0].Contains(": pipeline ", StringComparison.Ordinal) && pair[1].Contains(": raw COPY of ", StringComparison.Ordinal), string.Join(" | ", pair)));
        Assert.InRange(json.RootElement.GetProperty("max_backends").GetInt32(), 1, json.RootElement.GetProperty("pool_max").GetInt32());
        Assert.Contains("warm-up: 3 other symbols", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }

    [Fact]
    public async Task BenchWriter_SymbolsOutOfRange_UsageErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataBenchAsync(["writer", "--symbols", "0"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--symbols", result.StandardError, StringComparison.Ordinal);
    }

    private static void AssertSpread(JsonElement spread, string name, int minSamples)
    {
        Assert.True(spread.GetProperty("samples").GetInt32() >= minSamples, name);
        var (min, median, max) = (spread.GetProperty("min").GetDouble(), spread.GetProperty("median").GetDouble(), spread.GetProperty("max").GetDouble());
        Assert.True(min > 0 && min <= median && median <= max, $"{name}: {min} {median} {max}");
    }

    private async Task<long> CountAsync(string schema, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{schema}\"; {sql}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"committed batch \d+: rows=\d+ inserted=(?<inserted>\d+) updated=\d+ unchanged=(?<unchanged>\d+)")]
    private static partial Regex BatchLine();
}
