using Npgsql;
using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Reliability;

/// <summary>
/// Connection-string passwords never reach the output: a private PostgreSQL that requires a password (scram) and a
/// private Redis with <c>requirepass</c>, then every output of <c>replay</c>, <c>migrate</c> and <c>run</c> (plain and
/// JSON logs, Debug level) captured, with the right passwords and with wrong ones, and searched for either.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SecretsInLogsTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private const string PgPassword = "pg-Secr3t-7f3a9c";
    private const string WrongPgPassword = "pg-Wr0ng-41b2e8";
    private const string RedisPassword = "rd-Secr3t-c01d55";
    private const string WrongRedisPassword = "rd-Wr0ng-9e77aa";

    private static readonly string[] Secrets = [PgPassword, WrongPgPassword, RedisPassword, WrongRedisPassword];

    [Fact]
    public async Task ReplayMigrateRun_RightAndWrongPasswords_NeverPrinted()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var pg = await PrivateServer.StartPostgresAsync();
        await using var rd = await PrivateServer.StartRedisAsync();
        await RequirePasswordsAsync(pg, rd);
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0", "--fault-503", "0.2");
        var pgGood = pg.ConnectionString + ";Password=" + PgPassword;
        var pgBad = pg.ConnectionString + ";Password=" + WrongPgPassword + ";Timeout=3";
        var redisGood = rd.ConnectionString + ",password=" + RedisPassword;
        var redisBad = rd.ConnectionString + ",password=" + WrongRedisPassword + ",connectTimeout=1000";
        var file = ReplayHarness.WriteSymbolFile(["AAPL", "MSFT", "ZZNOPE"]);
        var outputs = new List<(string What, ProcessResult Result)>();

        foreach (var json in new[] { false, true })
        {
            var logging = new Dictionary<string, string?>
            {
                ["Logging__LogLevel__Default"] = "Debug",
                ["Logging__LogLevel__Npgsql"] = "Debug",
                ["Logging__LogLevel__StackExchange"] = "Debug",
                ["Logging__Console__FormatterName"] = json ? "json" : "simple",
            };
            var replay = new ReplayHarness(pgGood, sim);
            outputs.Add(($"replay ok json={json}", await replay.RunAsync(file, With(logging, ("ConnectionStrings__Redis", redisGood)), "--from", "2026-01-01")));
            outputs.Add(($"replay wrong redis json={json}",
                await replay.RunAsync(file, With(logging, ("ConnectionStrings__Redis", redisBad)), "--from", "2026-01-01")));
            var wrongPg = new ReplayHarness(pgBad, sim);
            outputs.Add(($"replay wrong pg json={json}", await wrongPg.RunAsync(file, With(logging, ("ConnectionStrings__Redis", redisGood)))));
            outputs.Add(($"migrate wrong pg json={json}", await ProcessRunner.RunStockDataAsync(["migrate"],
                With(logging, ("ConnectionStrings__Postgres", pgBad), ("ConnectionStrings__Redis", redisBad)))));
        }

        // The worker: right PostgreSQL password, wrong Redis password (degraded, not down), then SIGTERM.
        var daemon = new DaemonHarness(postgres, redis, sim);
        await using (var worker = await WorkerProcess.StartAsync("secrets", daemon.Environment("secrets", new Dictionary<string, string?>
                     {
                         ["ConnectionStrings__Postgres"] = pgGood,
                         ["ConnectionStrings__Redis"] = redisBad,
                         ["Logging__LogLevel__Default"] = "Debug",
                     })))
        {
            outputs.Add(("run wrong redis", await worker.StopAsync(TimeSpan.FromMinutes(1))));
        }

        var okRun = outputs[0].Result;
        Assert.True(okRun.ExitCode == 0, okRun.ToString());
        Assert.True(outputs[1].Result.ExitCode == 0, outputs[1].Result.ToString()); // Redis refused: the in-process fallback
        Assert.True(outputs[2].Result.ExitCode == 1, outputs[2].Result.ToString());
        Assert.Contains("password authentication failed", outputs[2].Result.StandardError, StringComparison.Ordinal);
        Assert.Single(outputs[2].Result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(outputs[3].Result.ExitCode == 1, outputs[3].Result.ToString());
        foreach (var (what, result) in outputs)
        {
            var text = result.StandardOutput + result.StandardError;
            Assert.True(text.Length > 0, what);
            foreach (var secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} printed a password:\n{result}");
            }
        }
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> env, params (string Key, string Value)[] more)
    {
        var copy = new Dictionary<string, string?>(env);
        foreach (var (key, value) in more)
        {
            copy[key] = value;
        }

        return copy;
    }

    /// <summary>The private servers start with trust auth (services.sh): give them passwords and require them.</summary>
    private static async Task RequirePasswordsAsync(PrivateServer pg, PrivateServer rd)
    {
        await using (var connection = new NpgsqlConnection(pg.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand($"ALTER ROLE postgres PASSWORD '{PgPassword}'", connection);
            await alter.ExecuteNonQueryAsync();
            await File.WriteAllTextAsync(Path.Combine(pg.Directory, "data", "pg_hba.conf"),
                "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync();
        }

        var port = rd.ConnectionString.Split(':')[^1];
        var set = await ProcessRunner.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", port, "CONFIG", "SET", "requirepass", RedisPassword]);
        Assert.True(set.ExitCode == 0 && set.StandardOutput.Contains("OK", StringComparison.Ordinal), set.ToString());

        // Both really refuse a wrong password now.
        await using var refused = new NpgsqlConnection(pg.ConnectionString + ";Pooling=false;Password=" + WrongPgPassword);
        var error = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }
}
