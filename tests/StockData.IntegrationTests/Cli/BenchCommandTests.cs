using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><c>stockdata bench …</c> as a real process: the writer benchmark's output, and a writer killed mid-fetch.</summary>
[Collection(ProcessCollection.Name)]
public sealed partial class BenchCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] JsonKeys =
    [
        "rows", "raw_copy_rows_per_s", "fresh_rows_per_s", "unchanged_rows_per_s", "changed_rows_per_s", "old_way_rows_per_s",
        "unchanged_tuples_written", "refresh_seconds", "old_way_refresh_seconds",
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
        string[] args = ["bench", "writer-fetch", "--symbol", "KILLME", "--bars", "95", "--batch-size", "20"];

        // A real child process writes one 95-bar fetch in 20-row batches and stops after the second commit.
        using var process = Process.Start(ProcessRunner.CreateStartInfo("dotnet", [RepoPaths.StockDataDll, .. args, "--pause-after", "2"], env))!;
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
        var rerun = await ProcessRunner.RunStockDataAsync(args, env, TimeSpan.FromMinutes(2));
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
    public async Task BenchWriter_SmallRunAsJson_PrintsExactlyTheIssueKeysAndDropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        var result = await ProcessRunner.RunStockDataAsync(["bench", "writer", "--symbols", "3", "--bars", "30", "--json"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString }, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(JsonKeys, json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(90, json.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("unchanged_tuples_written").GetInt64());
        Assert.All(JsonKeys, key => Assert.True(json.RootElement.GetProperty(key).GetDouble() > 0 || key == "unchanged_tuples_written", key));
        Assert.Contains("(1) raw COPY", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }

    [Fact]
    public async Task BenchPipeline_SmallRunWithWarmUpAsJson_TimedRowsOnly_IssueKeys_DropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        var result = await ProcessRunner.RunStockDataAsync(["bench", "pipeline", "--symbols", "4", "--years", "1", "--warmup", "3", "--json"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString }, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        string[] keys = ["rows", "rows_per_s", "raw_copy_rows_per_s", "ratio_to_raw_copy", "peak_rss_mb", "max_backends", "pool_max"];
        Assert.Equal(keys, json.RootElement.EnumerateObject().Select(p => p.Name));
        // Four symbols of about a year of daily bars each: the warm-up's three are not counted.
        Assert.InRange(json.RootElement.GetProperty("rows").GetInt64(), 4 * 240, 4 * 260);
        Assert.All(keys, key => Assert.True(json.RootElement.GetProperty(key).GetDouble() > 0, key));
        Assert.InRange(json.RootElement.GetProperty("max_backends").GetInt32(), 1, json.RootElement.GetProperty("pool_max").GetInt32());
        Assert.Contains("warm-up: 3 other symbols", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }

    [Fact]
    public async Task BenchWriter_SymbolsOutOfRange_UsageErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["bench", "writer", "--symbols", "0"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--symbols", result.StandardError, StringComparison.Ordinal);
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
