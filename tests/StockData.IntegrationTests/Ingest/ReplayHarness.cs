using Npgsql;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Ingest;

/// <summary>
/// Runs the real <c>stockdata replay</c> against a simulator process and a scratch schema of the fixture's database.
/// Every replay uses the simulator's fixed clock, so two runs see the same history.
/// </summary>
internal sealed class ReplayHarness(PostgresFixture postgres, SimulatorProcess simulator, string? schema = null)
{
    public const string Now = "2026-11-27T21:00:00Z";

    public string Schema { get; } = schema ?? "r_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The first <paramref name="count"/> symbols of the bundled demo list.</summary>
    public static IReadOnlyList<string> SampleSymbols(int count) =>
        File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "tickers-500.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Take(count)
            .ToList();

    public static string WriteSymbolFile(IEnumerable<string> lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"symbols-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    public Dictionary<string, string?> Environment(IDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
            ["StockData__Storage__Schema"] = Schema,
            ["StockData__Storage__ApplicationName"] = "replay_" + Schema,
            ["StockData__Fetch__RetryBaseDelay"] = "00:00:00.050",
            ["StockData__Fetch__RetryMaxDelay"] = "00:00:00.500",
            // These tests inject faults at rates that can trip the breaker, whose 30 s fleet-wide pause would turn
            // every later symbol into "circuit open"; the breaker has its own tests (Fetching/CircuitBreakerTests).
            ["StockData__Fetch__CircuitBreaker__MinimumThroughput"] = "100000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        return env;
    }

    public List<string> Arguments(string file, params string[] more)
    {
        var args = new List<string> { "replay", file };
        var defaults = new (string Name, string Value)[]
        {
            ("--base-url", simulator.BaseUrl.ToString().TrimEnd('/')), ("--rate", "100000"), ("--burst", "1000"), ("--concurrency", "8"),
        };
        foreach (var (name, value) in defaults.Where(d => !more.Contains(d.Name)))
        {
            args.Add(name);
            args.Add(value);
        }

        args.AddRange(more);
        return args;
    }

    public Task<ProcessResult> RunAsync(string file, IDictionary<string, string?>? env = null, params string[] more) =>
        ProcessRunner.RunStockDataAsync(Arguments(file, more), Environment(env), TimeSpan.FromMinutes(5));

    public ChildProcess Start(string file, IDictionary<string, string?>? env = null, params string[] more) =>
        ChildProcess.StartStockData(Arguments(file, more), Environment(env));

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO {Schema}; {sql}", connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Row count and an md5 over every bar value, per the whole table (updated_at excluded).</summary>
    public Task<string> BarsChecksumAsync() => ScalarAsync<string>(
        "SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws('|', symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume), ',' " +
        "ORDER BY symbol, interval, trade_date)), '') FROM daily_bars");

    /// <summary>Reads a value of the closing summary table (e.g. "rows inserted").</summary>
    public static long SummaryValue(ProcessResult result, string name)
    {
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 2 && cells[0] == name)
            {
                return long.Parse(cells[1].Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"'{name}' not in the summary:\n{result}");
    }
}
