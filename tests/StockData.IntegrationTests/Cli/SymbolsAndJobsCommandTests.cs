using System.Text.Json;
using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary>The <c>symbols</c> and <c>jobs</c> verbs end to end (the real binary; no worker running, no upstream needed).</summary>
[Collection(ProcessCollection.Name)]
public sealed class SymbolsAndJobsCommandTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Symbols_ImportAddListRemove()
    {
        postgres.EnsureAvailable();
        var harness = await HarnessAsync();
        var file = ReplayHarness.WriteSymbolFile(["# universe", "AAPL", "MSFT", "../etc/passwd", "AAPL", "7203.T", "A,B"]);

        var imported = await harness.CliAsync("symbols", "import", file);
        var added = await harness.CliAsync("symbols", "add", "VOD.L", "AAPL", "--interval", "1h");
        await harness.ExecuteAsync("UPDATE symbols SET status = 'not_found', last_error = 'not_found: HTTP 404' WHERE symbol = 'MSFT'");
        var notFound = await harness.CliAsync("symbols", "list", "--status", "not_found");
        var removed = await harness.CliAsync("symbols", "remove", "7203.T", "NOPE");
        var listed = await harness.CliAsync("symbols", "list");
        var all = await harness.CliAsync("symbols", "list", "--all");
        var badStatus = await harness.CliAsync("symbols", "list", "--status", "bogus");

        Assert.Equal(1, imported.ExitCode); // two lines rejected, the rest imported
        Assert.Contains($"{file}:4: ", imported.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{file}:7: ", imported.StandardError, StringComparison.Ordinal);
        Assert.Contains("3 added, 0 back on the schedule, 0 already scheduled", imported.StandardOutput, StringComparison.Ordinal);
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("2 added", added.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^MSFT\s+1d\s+not_found\s.*not_found: HTTP 404$", notFound.StandardOutput);
        Assert.Contains("1 symbol-interval(s)", notFound.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, removed.ExitCode);
        Assert.Contains("removed 7203.T 1d", removed.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("not in the universe: NOPE", removed.StandardError, StringComparison.Ordinal);
        Assert.Equal(["AAPL 1d", "AAPL 1h", "MSFT 1d", "VOD.L 1h"], Rows(listed.StandardOutput));
        Assert.Contains("7203.T 1d", Rows(all.StandardOutput));
        Assert.Matches(@"(?m)^7203\.T\s+1d\s+active\s+not scheduled", all.StandardOutput);
        Assert.Equal(2, badStatus.ExitCode);
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE next_fetch_at <= now() AND interval = '1d'"));
    }

    [Fact]
    public async Task Jobs_SubmitShowListCancel()
    {
        postgres.EnsureAvailable();
        var harness = await HarnessAsync();
        var file = ReplayHarness.WriteSymbolFile(["symbol,interval,from", "AAPL,1d,2026-01-02", "MSFT,1h,", "bad symbol,1d,", "IBM,7x,"]);

        var fromFile = await harness.CliAsync("jobs", "submit", file, "--priority", "high");
        var fromArgs = await harness.CliAsync("jobs", "submit", "NVDA", "ORCL", "--from", "2026-11-01", "--to", "2026-11-20");
        var jobA = JsonDocument.Parse(fromFile.StandardOutput).RootElement;
        var jobB = JsonDocument.Parse(fromArgs.StandardOutput).RootElement;
        var idB = jobB.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cancelled = await harness.CliAsync("jobs", "cancel", idB);
        var again = await harness.CliAsync("jobs", "cancel", idB);
        var list = await harness.CliAsync("jobs", "list", "--status", "pending");
        var unknown = await harness.CliAsync("jobs", "show", "987654");
        var badPriority = await harness.CliAsync("jobs", "submit", "AAPL", "--priority", "urgent");
        var badFrom = await harness.CliAsync("jobs", "submit", "AAPL", "--from", "someday");
        var badSymbol = await harness.CliAsync("jobs", "submit", "AAPL", "A B");

        Assert.Equal(1, fromFile.ExitCode); // two lines rejected, the job recorded with the rest
        Assert.Contains($"{file}:4: ", fromFile.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{file}:5: ", fromFile.StandardError, StringComparison.Ordinal);
        Assert.Equal("high", jobA.GetProperty("priority").GetString());
        Assert.Equal(2, jobA.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal(2, jobA.GetProperty("items").GetProperty("pending").GetInt32());
        Assert.Equal(["AAPL|1d|2026-01-02 00:00:00", "MSFT|1h|"], await ItemsAsync(harness, jobA.GetProperty("id").GetInt64()));
        Assert.True(fromArgs.ExitCode == 0, fromArgs.ToString());
        Assert.Equal("2026-11-01T00:00:00Z", jobB.GetProperty("from").GetString());
        Assert.Equal("2026-11-20T00:00:00Z", jobB.GetProperty("to").GetString());
        Assert.Equal("normal", jobB.GetProperty("priority").GetString());
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Equal("cancelled", JsonDocument.Parse(cancelled.StandardOutput).RootElement.GetProperty("status").GetString());
        Assert.Equal(2, JsonDocument.Parse(cancelled.StandardOutput).RootElement.GetProperty("items").GetProperty("cancelled").GetInt32());
        Assert.Equal(1, again.ExitCode);
        Assert.Matches($@"(?m)^\s*{jobA.GetProperty("id").GetInt64()} pending\s+high\s+1d\s+0/2\s", list.StandardOutput);
        Assert.DoesNotMatch($@"(?m)^\s*{idB} ", list.StandardOutput);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no such job: 987654", unknown.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, badPriority.ExitCode);
        Assert.Equal(2, badFrom.ExitCode);
        Assert.Contains("--from", badFrom.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, badSymbol.ExitCode);
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(*) FROM fetch_jobs"));
    }

    private async Task<DaemonHarness> HarnessAsync()
    {
        // The verbs never call the upstream; the simulator is only there because the harness names one.
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await harness.MigrateAsync();
        return harness;
    }

    private static List<string> Rows(string listing) => listing.Split('\n')
        .Skip(1)
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(c => c.Length >= 2 && !IsSummary(c))
        .Select(c => $"{c[0]} {c[1]}")
        .ToList();

    private static bool IsSummary(string[] cells) => cells[1] == "symbol-interval(s)";

    private static async Task<List<string>> ItemsAsync(DaemonHarness harness, long job) =>
        (await harness.ScalarAsync<string>(
            $"SELECT string_agg(symbol || '|' || interval || '|' || coalesce(to_char(range_from AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ''), ',' ORDER BY symbol) FROM fetch_job_items WHERE job_id = {job}"))
        .Split(',').ToList();
}
