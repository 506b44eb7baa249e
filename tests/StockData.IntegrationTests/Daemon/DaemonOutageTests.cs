using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>A worker whose PostgreSQL goes away: not ready meanwhile, alive throughout, ready again by itself.</summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonOutageTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_PostgresStoppedAndStartedAgain_503ThenReadyAgain_LivenessUp()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        // A private server: the shared one must never be stopped under the other tests.
        await using var server = await PrivateServer.StartPostgresAsync();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var worker = await harness.StartWorkerAsync("outage", new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = server.ConnectionString,
        });
        Assert.Equal(("ready", "ok"), await ReadinessAsync(worker, HttpStatusCode.OK));

        await server.StopAsync(immediate: true);
        var down = await WorkerProcess.EventuallyAsync(async () =>
            await ReadinessAsync(worker, HttpStatusCode.ServiceUnavailable) == ("not_ready", "unreachable"), TimeSpan.FromMinutes(1));
        using var live = await worker.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);
        await server.StartAgainAsync();
        var up = await worker.WaitReadyAsync(TimeSpan.FromMinutes(1));

        Assert.True(down, worker.Process.StandardOutput);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(up, worker.Process.StandardOutput);
        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>/readyz's status and postgres fields, when it answers with <paramref name="expected"/>.</summary>
    private static async Task<(string?, string?)> ReadinessAsync(WorkerProcess worker, HttpStatusCode expected)
    {
        using var response = await worker.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        if (response.StatusCode != expected)
        {
            return (null, null);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (body.GetProperty("status").GetString(), body.GetProperty("postgres").GetString());
    }
}
