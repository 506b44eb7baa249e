using System.Globalization;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>Fetch jobs worked through by a running worker: priority, progress, failures by category, the CLI and HTTP views, JSON logs.</summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonJobTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Run_HighPriorityJob_OvertakesTheScheduledBacklog()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0", "--latency", "00:00:00.250");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        var backlog = ReplayHarness.SampleSymbols(40);
        const int maxLeases = 2, claimBatch = 1;
        await using var worker = await harness.StartWorkerAsync("w1", new Dictionary<string, string?>
        {
            ["StockData__Ingest__FetchConcurrency"] = "1",
            ["StockData__Daemon__MaxLeases"] = maxLeases.ToString(CultureInfo.InvariantCulture),
            ["StockData__Daemon__ClaimBatchSize"] = claimBatch.ToString(CultureInfo.InvariantCulture),
            ["Logging__Console__FormatterName"] = "json",
        });
        await harness.SeedUniverseAsync(backlog);
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await harness.ScalarAsync<long>("SELECT count(*) FROM symbol_intervals WHERE last_success_at IS NOT NULL") >= 3, Patience));

        var submitted = await harness.CliAsync("jobs", "submit", "JOBA", "JOBB", "JOBC", "--priority", "high", "--from", "2026-11-01");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = JsonDocument.Parse(submitted.StandardOutput).RootElement.GetProperty("id").GetInt64();
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await harness.ScalarAsync<string>($"SELECT status FROM fetch_jobs WHERE id = {id}") == "done", Patience), worker.Process.StandardOutput);

        // Between the job's submission and its end, only the scheduled fetches the worker already held (at most its
        // lease limit, plus one that may share the job's last write batch) completed; the rest of the backlog waited.
        var overtaken = await harness.ScalarAsync<long>($"""
            SELECT count(*) FROM symbol_intervals si, fetch_jobs j
            WHERE j.id = {id} AND si.symbol <> ALL (ARRAY['JOBA', 'JOBB', 'JOBC'])
              AND si.last_success_at > j.created_at AND si.last_success_at <= j.finished_at
            """);
        var waiting = await harness.ScalarAsync<long>($"""
            SELECT count(*) FROM symbol_intervals si, fetch_jobs j
            WHERE j.id = {id} AND si.symbol <> ALL (ARRAY['JOBA', 'JOBB', 'JOBC']) AND (si.last_success_at IS NULL OR si.last_success_at > j.finished_at)
            """);
        // Slack of two claims: a claim query already running when the job row commits cannot see it, and the
        // response cache can make a scheduled fetch finish faster than a job item that must go upstream.
        Assert.True(overtaken <= maxLeases + claimBatch + 2, $"{overtaken} scheduled fetches completed while the job ran");
        Assert.True(waiting >= backlog.Count / 2, $"only {waiting} of the backlog still waited when the job finished");

        // The CLI and the HTTP API show the same job.
        var shown = await harness.JobShowAsync(id);
        var served = JsonDocument.Parse(await worker.Http.GetStringAsync(new Uri($"/jobs/{id}", UriKind.Relative))).RootElement;
        Assert.Equal(JsonSerializer.Serialize(shown), JsonSerializer.Serialize(served));
        Assert.Equal("done", shown.GetProperty("status").GetString());
        Assert.Equal("high", shown.GetProperty("priority").GetString());
        Assert.Equal(3, shown.GetProperty("progress").GetProperty("finished").GetInt32());
        Assert.Equal(3, shown.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await worker.MetricAsync("stockdata_job_items{status=\"done\"}") == 3, TimeSpan.FromSeconds(30)));
        var listed = await harness.CliAsync("jobs", "list");
        Assert.Matches($@"(?m)^\s*{id} done\s+high\s+1d\s+3/3\s", listed.StandardOutput);
        var cancel = await harness.CliAsync("jobs", "cancel", id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(1, cancel.ExitCode);
        Assert.Contains("already finished (done)", cancel.StandardError, StringComparison.Ordinal);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        // Logging__Console__FormatterName=json: symbol, interval and job id are fields of each line's State.
        var lines = stopped.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var jobLines = lines.Where(l => l.GetProperty("EventId").GetInt32() == 3103).ToList();
        Assert.Equal(3, jobLines.Count);
        Assert.All(jobLines, l =>
        {
            var state = l.GetProperty("State");
            Assert.Equal(id.ToString(CultureInfo.InvariantCulture), state.GetProperty("JobId").ToString());
            Assert.StartsWith("JOB", state.GetProperty("Symbol").GetString(), StringComparison.Ordinal);
            Assert.Equal("1d", state.GetProperty("Interval").GetString());
        });
        Assert.Contains(lines, l => l.GetProperty("EventId").GetInt32() == 3101 && backlog.Contains(l.GetProperty("State").GetProperty("Symbol").GetString()));
    }

    [Fact]
    public async Task Run_JobWithUnknownSymbols_FailedWithFailuresByCategory_SameInCliAndHttp()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // The simulator answers 404 for symbols starting with ZZ (its default --not-found-pattern).
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        await using var worker = await harness.StartWorkerAsync("w1");

        var submitted = await harness.CliAsync("jobs", "submit", "AAPL", "ZZNOPE", "MSFT", "ZZGONE", "--from", "2026-11-20");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = JsonDocument.Parse(submitted.StandardOutput).RootElement.GetProperty("id").GetInt64();
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await harness.ScalarAsync<string>($"SELECT status FROM fetch_jobs WHERE id = {id}") is "done" or "failed", Patience),
            worker.Process.StandardOutput);

        var shown = await harness.JobShowAsync(id);
        var served = JsonDocument.Parse(await worker.Http.GetStringAsync(new Uri($"/jobs/{id}", UriKind.Relative), TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(JsonSerializer.Serialize(shown), JsonSerializer.Serialize(served));
        Assert.Equal("failed", shown.GetProperty("status").GetString());
        Assert.Equal(4, shown.GetProperty("progress").GetProperty("finished").GetInt32());
        Assert.Equal(4, shown.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal(2, shown.GetProperty("items").GetProperty("done").GetInt32());
        Assert.Equal(2, shown.GetProperty("items").GetProperty("failed").GetInt32());
        Assert.Equal(["not_found=2"], shown.GetProperty("failures").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}"));
        var listed = await harness.CliAsync("jobs", "list");
        Assert.Matches($@"(?m)^\s*{id} failed\s+normal\s+1d\s+4/4\s", listed.StandardOutput);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }
}
