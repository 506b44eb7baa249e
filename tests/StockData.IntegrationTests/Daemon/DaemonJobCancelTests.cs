using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>Jobs over HTTP: listing, and cancelling a job a real worker is working through (items not started never fetched).</summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonJobCancelTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Delete_MidJob_DropsItemsNotStarted_InFlightFinish_JobShowsCancelled()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // Slow answers and one fetch at a time: the job is still mid-way when it is cancelled.
        await using var sim = await SimulatorProcess.StartAsync("--now", DaemonHarness.SimulatorNow, "--null-rows", "0", "--latency", "00:00:00.400");
        var harness = new DaemonHarness(postgres, redis, sim);
        await harness.MigrateAsync();
        await using var worker = await harness.StartWorkerAsync("w1", new Dictionary<string, string?>
        {
            ["StockData__Ingest__FetchConcurrency"] = "1",
            ["StockData__Daemon__MaxLeases"] = "1",
            ["StockData__Daemon__ClaimBatchSize"] = "1",
        });
        var ct = TestContext.Current.CancellationToken;
        var symbols = Enumerable.Range(0, 16).Select(i => $"CXL{i:D2}").ToArray();
        using var submitted = await worker.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative),
            new { symbols, from = "2026-11-01", priority = "high" }, ct);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetInt64();
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await harness.ScalarAsync<long>($"SELECT count(*) FROM fetch_job_items WHERE job_id = {id} AND status = 'done'") >= 2, Patience),
            worker.Process.StandardOutput);

        using var cancelled = await worker.Http.DeleteAsync(new Uri($"/jobs/{id}", UriKind.Relative), ct);
        var cancelledBody = await cancelled.Content.ReadAsStringAsync(ct);
        Assert.True(cancelled.StatusCode == HttpStatusCode.OK, cancelledBody);
        var atCancel = JsonDocument.Parse(cancelledBody).RootElement;
        Assert.Equal("cancelled", atCancel.GetProperty("status").GetString());
        var dropped = atCancel.GetProperty("items").GetProperty("cancelled").GetInt32();
        Assert.True(dropped >= symbols.Length / 2, cancelledBody);

        // The ones in flight finish (done, not cancelled); afterwards nothing of the job runs any more.
        Assert.True(await WorkerProcess.EventuallyAsync(async () =>
            await harness.ScalarAsync<long>($"SELECT count(*) FROM fetch_job_items WHERE job_id = {id} AND status IN ('pending', 'running')") == 0, Patience));
        // Give the worker time to pick up anything it (wrongly) still could: several fetch latencies and poll intervals.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var shown = await harness.JobShowAsync(id);
        Assert.Equal("cancelled", shown.GetProperty("status").GetString());
        var items = shown.GetProperty("items");
        Assert.Equal(dropped, items.GetProperty("cancelled").GetInt32());
        Assert.Equal(symbols.Length, items.GetProperty("done").GetInt32() + items.GetProperty("failed").GetInt32() + dropped);
        Assert.Equal(symbols.Length, shown.GetProperty("progress").GetProperty("finished").GetInt32());

        // Items not started were never fetched: the simulator never saw their symbols, and the store holds none of them.
        var requested = await harness.RequestsPerSymbolAsync();
        var droppedSymbols = await harness.ScalarAsync<string[]>($"SELECT array_agg(symbol ORDER BY symbol) FROM fetch_job_items WHERE job_id = {id} AND status = 'cancelled'");
        Assert.Equal(dropped, droppedSymbols.Length);
        Assert.All(droppedSymbols, s => Assert.False(requested.ContainsKey(s), $"{s} was requested upstream after its item was dropped"));
        var doneSymbols = await harness.ScalarAsync<string[]>($"SELECT array_agg(symbol ORDER BY symbol) FROM fetch_job_items WHERE job_id = {id} AND status = 'done'");
        Assert.All(doneSymbols, s => Assert.True(requested.ContainsKey(s), s));
        Assert.Equal(0, await harness.ScalarAsync<long>(
            $"SELECT count(*) FROM daily_bars WHERE symbol IN (SELECT symbol FROM fetch_job_items WHERE job_id = {id} AND status = 'cancelled')"));

        // GET /jobs lists it (with the same document as GET /jobs/{id}), filtered by status.
        var listed = JsonDocument.Parse(await worker.Http.GetStringAsync(new Uri("/jobs?status=cancelled&limit=5", UriKind.Relative), ct)).RootElement;
        var entry = Assert.Single(listed.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetInt64() == id);
        Assert.Equal(JsonSerializer.Serialize(shown), JsonSerializer.Serialize(entry));
        var done = JsonDocument.Parse(await worker.Http.GetStringAsync(new Uri("/jobs?status=done", UriKind.Relative), ct)).RootElement;
        Assert.DoesNotContain(done.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetInt64() == id);

        // A second cancel: 409; no such job: 404; bad parameters: 400 naming them.
        using var again = await worker.Http.DeleteAsync(new Uri($"/jobs/{id}", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var missing = await worker.Http.DeleteAsync(new Uri("/jobs/999999999", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var (query, parameter) in new[] { ("status=bogus", "status"), ("limit=0", "limit"), ("limit=x", "limit") })
        {
            using var bad = await worker.Http.GetAsync(new Uri($"/jobs?{query}", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(parameter, JsonDocument.Parse(await bad.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("parameter").GetString());
        }

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains($"Job {id.ToString(CultureInfo.InvariantCulture)} cancelled", stopped.StandardOutput, StringComparison.Ordinal);
    }
}
