using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Export;

/// <summary>
/// A store filled by a real <c>stockdata replay</c> from the simulator (a scratch schema), real <c>stockdata export</c>
/// processes over it, and independent readers of what they wrote: DuckDB (its own Parquet and CSV readers) and pandas.
/// </summary>
internal sealed class ExportHarness(ReplayHarness replay) : IDisposable
{
    private readonly List<string> _directories = [];

    public ReplayHarness Replay { get; } = replay;

    public static async Task<ExportHarness> ReplayAsync(PostgresFixture postgres, SimulatorProcess sim, int symbols, string from)
    {
        var replay = new ReplayHarness(postgres, sim);
        var file = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(symbols));
        var result = await replay.RunAsync(file, null, "--from", from);
        Assert.True(result.ExitCode == 0, result.ToString());
        return new ExportHarness(replay) { Postgres = postgres };
    }

    /// <summary>The fixture, when the harness was filled through one: exports wait for its standby to catch up.</summary>
    public PostgresFixture? Postgres { get; init; }

    public string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}");
        _directories.Add(path);
        return path;
    }

    /// <summary>
    /// Runs <c>stockdata export</c>; with a read replica, after it has replayed what the test wrote (the export reads
    /// from it, and only a process's own writes are fenced).
    /// </summary>
    public async Task<ProcessResult> ExportAsync(params string[] arguments)
    {
        await (Postgres?.CatchUpAsync() ?? Task.CompletedTask);
        return await ProcessRunner.RunStockDataAsync(new[] { "export" }.Concat(arguments), Replay.Environment(), TimeSpan.FromMinutes(5));
    }

    /// <summary>As <see cref="ExportAsync"/> with extra settings (e.g. no read replica).</summary>
    public async Task<ProcessResult> ExportWithAsync(IDictionary<string, string?> environment, params string[] arguments)
    {
        await (Postgres?.CatchUpAsync() ?? Task.CompletedTask);
        return await ProcessRunner.RunStockDataAsync(new[] { "export" }.Concat(arguments), Replay.Environment(environment), TimeSpan.FromMinutes(5));
    }

    public ChildProcess StartExport(IDictionary<string, string?>? environment, params string[] arguments)
    {
        Postgres?.CatchUpAsync().GetAwaiter().GetResult();
        return ChildProcess.StartStockData(new[] { "export" }.Concat(arguments), Replay.Environment(environment));
    }

    /// <summary>Rows, total volume and the sum of closes of the store's daily bars.</summary>
    public async Task<(long Rows, long Volume, double Close)> StoreTotalsAsync()
    {
        var text = await Replay.ScalarAsync<string>(
            "SELECT count(*) || ' ' || coalesce(sum(volume), 0) || ' ' || coalesce(sum(close), 0)::float8 FROM daily_bars WHERE interval = '1d'");
        var parts = text.Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Runs one DuckDB query (over files) and returns the first row's values.</summary>
    public static object?[] DuckRow(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), sql);
        var values = new object?[reader.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return values;
    }

    /// <summary>A DuckDB integer as a long (sums of BIGINT come back as HUGEINT, a <see cref="System.Numerics.BigInteger"/>).</summary>
    public static long Long(object? value) => value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>Column name to DuckDB type of a file (or glob).</summary>
    public static Dictionary<string, string> DuckTypes(string source)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM {source}";
        using var reader = command.ExecuteReader();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            types[reader.GetString(0)] = reader.GetString(1);
        }

        return types;
    }

    /// <summary>Every file the manifest lists, with its rows as DuckDB reads them back.</summary>
    public static JsonElement Manifest(string directory) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json"))).RootElement.Clone();

    public static Dictionary<string, DateTime> WriteTimes(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.GetLastWriteTimeUtc, StringComparer.Ordinal);

    public void Dispose()
    {
        foreach (var directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, true);
        }
    }
}
