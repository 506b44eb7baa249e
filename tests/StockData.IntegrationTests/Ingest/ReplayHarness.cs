using Npgsql;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Ingest;

/// <summary>
/// Runs the real <c>stockdata replay</c> against a simulator process and a scratch schema of a database: the fixture's,
/// or a private server's (restart tests). Every replay uses the simulator's fixed clock, so two runs see the same history.
/// </summary>
internal sealed class ReplayHarness(string connectionString, SimulatorProcess simulator, string? schema = null)
{
    public ReplayHarness(PostgresFixture postgres, SimulatorProcess simulator, string? schema = null)
        : this(postgres.DatabaseConnectionString, simulator, schema)
    {
        ReadConnectionString = postgres.ReadConnectionString;
    }

    /// <summary>The product's read replica (<see cref="StandbyFixture"/>), when the fixture has one.</summary>
    public string? ReadConnectionString { get; }

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
            ["ConnectionStrings__Postgres"] = connectionString,
            ["ConnectionStrings__PostgresRead"] = ReadConnectionString,
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
        // Unpooled: a restart test's server goes away between calls, and a pooled connection would be a dead one.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO {Schema}; {sql}", connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Row count and an md5 over every bar value, per the whole table (updated_at excluded).</summary>
    public Task<string> BarsChecksumAsync() => ScalarAsync<string>(
        "SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws('|', symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume), ',' " +
        "ORDER BY symbol, interval, trade_date)), '') FROM daily_bars");

    /// <summary>The bars stored so far; 0 while the schema is not migrated yet or the server is down.</summary>
    public async Task<long> RowsOrZeroAsync()
    {
        try
        {
            return await ScalarAsync<long>("SELECT count(*) FROM daily_bars");
        }
        catch (NpgsqlException)
        {
            return 0;
        }
    }

    /// <summary>Per symbol: row count and an md5 over every value of its bars (updated_at excluded), in key order.</summary>
    public async Task<Dictionary<string, string>> SymbolChecksumsAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT symbol, count(*) || ':' || md5(string_agg(concat_ws('|', interval, trade_date, ts, open, high, low, close, adj_close, volume), ',' " +
            $"ORDER BY interval, trade_date)) FROM {Schema}.daily_bars GROUP BY symbol", connection);
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sums[reader.GetString(0)] = reader.GetString(1);
        }

        return sums;
    }

    /// <summary>
    /// What must never be stored, whatever happened to the run: a key twice, a watermark past its symbol's last bar
    /// (or without any bar), a watermarked symbol whose bars differ from the clean run's. Empty when all is well.
    /// </summary>
    public async Task<List<string>> ViolationsAsync(IReadOnlyDictionary<string, string> clean)
    {
        var violations = new List<string>();
        var duplicates = await ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT 1 FROM daily_bars GROUP BY symbol, interval, trade_date HAVING count(*) > 1) d");
        if (duplicates > 0)
        {
            violations.Add($"{duplicates} duplicated keys");
        }

        var ahead = await ScalarAsync<string>(
            "SELECT coalesce(string_agg(si.symbol, ','), '') FROM symbol_intervals si WHERE si.watermark IS NOT NULL AND " +
            "(si.watermark > (SELECT max(b.ts) FROM daily_bars b WHERE b.symbol = si.symbol AND b.interval = si.interval) " +
            "OR NOT EXISTS (SELECT 1 FROM daily_bars b WHERE b.symbol = si.symbol AND b.interval = si.interval))");
        if (ahead.Length > 0)
        {
            violations.Add("watermark ahead of its data: " + ahead);
        }

        // A watermark moves only with a fetch's last committed row, so a watermarked symbol holds its whole history.
        var watermarked = (await ScalarAsync<string>(
            "SELECT coalesce(string_agg(symbol, ','), '') FROM symbol_intervals WHERE watermark IS NOT NULL")).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var sums = await SymbolChecksumsAsync();
        foreach (var symbol in watermarked)
        {
            if (sums.GetValueOrDefault(symbol) != clean.GetValueOrDefault(symbol))
            {
                violations.Add($"{symbol}: watermarked but {sums.GetValueOrDefault(symbol)} != clean {clean.GetValueOrDefault(symbol)}");
            }
        }

        return violations;
    }

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
