using System.Globalization;
using System.Text.Json;
using Npgsql;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// Workers (<c>stockdata run</c>) and CLI verbs on one scratch schema, against a simulator process with a fixed clock.
/// The settings keep a test short: fast polling, short leases, small claim batches, the limiter out of the way, and
/// batches written as soon as they form.
/// </summary>
internal sealed class DaemonHarness(PostgresFixture postgres, RedisFixture redis, SimulatorProcess? simulator)
{
    /// <summary>The simulator's fixed clock (a Friday after the New York close), as in the replay tests.</summary>
    public const string SimulatorNow = ReplayHarness.Now;

    public string Schema { get; } = "d_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The upstream the workers call: the simulator, or (for verbs that never call it) a closed port.</summary>
    private string Upstream => simulator?.BaseUrl.ToString().TrimEnd('/') ?? "http://127.0.0.1:1";

    public Dictionary<string, string?> Environment(string replica, IDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = postgres.ProductConnectionString,
            ["StockData__Storage__Pooler"] = postgres.ThroughTransactionPooler ? "Transaction" : "None",
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["StockData__Storage__Schema"] = Schema,
            ["StockData__Storage__ApplicationName"] = "daemon_" + Schema,
            ["StockData__Yahoo__BaseUrl"] = Upstream,
            ["StockData__Yahoo__FallbackBaseUrl"] = Upstream,
            ["StockData__RateLimit__PermitsPerSecond"] = "1000",
            ["StockData__RateLimit__Burst"] = "100",
            ["StockData__RateLimit__KeyPrefix"] = $"{redis.KeyPrefix}{Schema}:",
            // The response cache's keys name symbol and range, not the upstream: a test sharing Redis with another
            // (different simulator faults, the same symbols) must not be served that test's responses.
            ["StockData__Cache__KeyPrefix"] = $"{redis.KeyPrefix}{Schema}:cache:",
            ["StockData__Fetch__RetryBaseDelay"] = "00:00:00.050",
            ["StockData__Fetch__RetryMaxDelay"] = "00:00:00.500",
            ["StockData__Ingest__FetchConcurrency"] = "2",
            ["StockData__Ingest__MaxBatchAge"] = "00:00:00.050",
            ["StockData__Daemon__ReplicaId"] = replica,
            ["StockData__Daemon__PollInterval"] = "00:00:00.200",
            ["StockData__Daemon__LeaseDuration"] = "00:00:05",
            ["StockData__Daemon__ClaimBatchSize"] = "2",
            ["StockData__Daemon__MaxLeases"] = "4",
            ["StockData__Daemon__StoreMetricsInterval"] = "00:00:00.500",
            ["StockData__Http__Url"] = "http://127.0.0.1:0",
            ["ConnectionStrings__PostgresRead"] = postgres.ReadConnectionString,
            ["StockData__Storage__StandbyPollInterval"] = "00:00:00.500",
            ["StockData__Storage__StandbyRetryAfter"] = "00:00:01",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        return env;
    }

    /// <summary>Starts a worker (with a read replica, once the standby holds what the test wrote before).</summary>
    public async Task<WorkerProcess> StartWorkerAsync(string replica, IDictionary<string, string?>? extra = null, bool waitReady = true)
    {
        await postgres.CatchUpAsync();
        return await WorkerProcess.StartAsync(replica, Environment(replica, extra), waitReady);
    }

    /// <summary>Runs a CLI verb on this schema (with a read replica, once the standby holds what was written before).</summary>
    public async Task<ProcessResult> CliAsync(params string[] arguments)
    {
        await postgres.CatchUpAsync();
        return await ProcessRunner.RunStockDataAsync(arguments, Environment("cli"), TimeSpan.FromMinutes(2));
    }

    public async Task MigrateAsync()
    {
        var result = await CliAsync("migrate");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>
    /// Puts <paramref name="symbols"/> on the daily schedule, due now, with a watermark at the simulator's clock: the
    /// first fetch is then incremental (a few overlap bars) instead of decades of history, and no split or dividend can
    /// be newer than the watermark (which would add a full re-fetch to the cycle). One transaction, so a running worker
    /// never sees a row without its watermark.
    /// </summary>
    public Task SeedUniverseAsync(IReadOnlyList<string> symbols) => ExecuteAsync($"""
        INSERT INTO symbols (symbol) SELECT unnest(ARRAY[{Quoted(symbols)}]);
        INSERT INTO symbol_intervals (symbol, interval, next_fetch_at, watermark)
        SELECT unnest(ARRAY[{Quoted(symbols)}]), '1d', now(), '{SimulatorNow}';
        """);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? default! : (T)value!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using (var connection = await OpenAsync())
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        await postgres.CatchUpAsync();
    }

    /// <summary>The simulator's request count per symbol.</summary>
    public async Task<Dictionary<string, long>> RequestsPerSymbolAsync()
    {
        var stats = await simulator!.StatsAsync();
        return stats.GetProperty("per_symbol").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
    }

    /// <summary>A job's JSON as <c>jobs show</c> prints it.</summary>
    public async Task<JsonElement> JobShowAsync(long id)
    {
        var result = await CliAsync("jobs", "show", id.ToString(CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO {Schema}", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static string Quoted(IEnumerable<string> symbols) => string.Join(", ", symbols.Select(s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'"));
}
