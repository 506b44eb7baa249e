using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Export;

/// <summary>
/// <c>stockdata export --all --format parquet</c> over a store of many symbols: DuckDB's sums per symbol (rows, volume,
/// close) equal the store's, a rerun writes nothing, and an export killed with SIGKILL half-way reruns to the manifest of
/// an uninterrupted one. In the suite the store holds 60 symbols × 2,520 days; <c>scripts/export-check.sh</c> runs the
/// same test at the demo's size (<c>STOCKDATA_EXPORT_CHECK_SYMBOLS=508</c>: 1.28 M rows) and prints its report
/// (<c>STOCKDATA_EXPORT_CHECK_REPORT</c> names the file it is also written to).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ExportAtScaleTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int DaysPerSymbol = 2_520;

    [Fact]
    public async Task ExportAll_DuckDbSumsPerSymbolEqualTheStore_RerunWritesNothing_KilledRunResumesToTheSameManifest()
    {
        postgres.EnsureAvailable();
        var symbols = int.TryParse(System.Environment.GetEnvironmentVariable("STOCKDATA_EXPORT_CHECK_SYMBOLS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 60;
        var report = new StringBuilder();
        void Say(string line)
        {
            report.AppendLine(line);
            output.WriteLine(line);
        }

        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var replay = new ReplayHarness(postgres, sim);
        var migrated = await ProcessRunner.RunStockDataAsync(["migrate"], replay.Environment(), TimeSpan.FromMinutes(2));
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        var loading = Stopwatch.StartNew();
        // Straight into the tables: prices with long fractions, a null adj_close and volume now and then, a dividend a
        // quarter and a split on every tenth symbol, so every column and the events file carry real content.
        await replay.ScalarAsync<int>($"""
            INSERT INTO symbols (symbol, currency, instrument_type, exchange_name, exchange_timezone)
            SELECT 'X' || lpad(s::text, 4, '0'), 'USD', 'EQUITY', 'NMS', 'America/New_York' FROM generate_series(1, {symbols}) s;
            INSERT INTO daily_bars (symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume)
            SELECT 'X' || lpad(s::text, 4, '0'), '1d', d, (d + time '14:30') AT TIME ZONE 'UTC',
                   p, p + 1.25, p - 0.75, p + 0.5, CASE WHEN i % 97 = 0 THEN NULL ELSE (p + 0.5) * 0.987654321 END,
                   CASE WHEN i % 89 = 0 THEN NULL ELSE 1000000 + s * 1000 + i END
            FROM generate_series(1, {symbols}) s, generate_series(0, {DaysPerSymbol - 1}) i,
                 LATERAL (SELECT date '2000-01-03' + i AS d, 50 + s % 50 + (i % 997) / 7.0 + s / 3.0 AS p) v;
            INSERT INTO dividends (symbol, ex_date, ts, amount)
            SELECT 'X' || lpad(s::text, 4, '0'), date '2000-03-15' + q * 91, (date '2000-03-15' + q * 91 + time '14:30') AT TIME ZONE 'UTC', 0.25
            FROM generate_series(1, {symbols}) s, generate_series(0, {DaysPerSymbol / 91 - 1}) q;
            INSERT INTO splits (symbol, ex_date, ts, numerator, denominator)
            SELECT 'X' || lpad(s::text, 4, '0'), date '2003-06-02', timestamptz '2003-06-02 14:30Z', 2, 1
            FROM generate_series(10, {symbols}, 10) s;
            ANALYZE daily_bars;
            SELECT 1
            """);
        var store = await StoreBySymbolAsync(replay);
        var storeRows = store.Values.Sum(s => s.Rows);
        Say(string.Create(CultureInfo.InvariantCulture, $"store: {storeRows:N0} daily bars of {store.Count} symbols (loaded in {loading.Elapsed.TotalSeconds:F1} s)"));
        Assert.Equal((long)symbols * DaysPerSymbol, storeRows);

        using var harness = new ExportHarness(replay);
        var reference = harness.NewDirectory();
        var timer = Stopwatch.StartNew();
        var first = await harness.ExportAsync("--all", "--format", "parquet", "--out", reference);
        var seconds = timer.Elapsed.TotalSeconds;
        Assert.True(first.ExitCode == 0, first.ToString());
        Say($"export --all --format parquet: {first.StandardOutput.Trim()}");
        Say(string.Create(CultureInfo.InvariantCulture, $"  process wall time {seconds:F2} s, {storeRows / seconds:N0} rows/s"));

        // Every bars file read back by DuckDB: per symbol, rows, sum of volume and sum of close equal the store's.
        var read = DuckBySymbol(reference);
        Assert.Equal(store.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        var mismatches = store.Where(s => !Same(s.Value, read[s.Key])).Select(s => s.Key).ToList();
        Assert.True(mismatches.Count == 0, $"DuckDB's sums differ from the store's for {string.Join(", ", mismatches.Take(10))}");
        Say(string.Create(CultureInfo.InvariantCulture,
            $"duckdb read_parquet over {read.Count} bars files: {read.Values.Sum(r => r.Rows):N0} rows, sum(volume) {read.Values.Sum(r => r.Volume):N0}, " +
            $"sum(close) {read.Values.Sum(r => r.Close):F4}; store: {storeRows:N0} rows, sum(volume) {store.Values.Sum(s => s.Volume):N0}, " +
            $"sum(close) {store.Values.Sum(s => s.Close):F4}; per symbol (rows, sum(volume), sum(close) to 1e-12 relative): {store.Count} of {store.Count} equal"));
        var events = ExportHarness.Long(ExportHarness.DuckRow($"SELECT count(*) FROM read_parquet('{reference}/events.parquet')")[0]);
        Assert.Equal(await replay.ScalarAsync<long>("SELECT (SELECT count(*) FROM dividends) + (SELECT count(*) FROM splits)"), events);
        Say(string.Create(CultureInfo.InvariantCulture, $"events.parquet: {events:N0} rows, as the store"));

        // A rerun over the unchanged store writes nothing: not a file, not the manifest.
        var before = ExportHarness.WriteTimes(reference);
        var manifestText = await File.ReadAllTextAsync(Path.Combine(reference, "manifest.json"), TestContext.Current.CancellationToken);
        timer.Restart();
        var rerun = await harness.ExportAsync("--all", "--format", "parquet", "--out", reference);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("(0 written,", rerun.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, ExportHarness.WriteTimes(reference));
        Assert.Equal(manifestText, await File.ReadAllTextAsync(Path.Combine(reference, "manifest.json"), TestContext.Current.CancellationToken));
        Say(string.Create(CultureInfo.InvariantCulture,
            $"rerun: {rerun.StandardOutput.Trim()} ({timer.Elapsed.TotalSeconds:F2} s); modification times of all {before.Count} files and the manifest's bytes unchanged"));

        // SIGKILL half-way (no cleanup of any kind), then a rerun: the same manifest as the uninterrupted export's.
        var killed = harness.NewDirectory();
        var bars = Path.Combine(killed, "bars", "1d");
        int atKill;
        await using (var export = harness.StartExport(null, "--all", "--format", "parquet", "--out", killed))
        {
            Assert.True(await export.WaitUntilAsync(() => Task.FromResult(
                Directory.Exists(bars) && Directory.EnumerateFiles(bars, "*.parquet").Count() >= symbols / 2), TimeSpan.FromMinutes(5)), export.StandardError);
            Assert.False(export.HasExited, "the export finished before it could be killed: " + export.StandardOutput);
            export.Signal(9);
            await export.WaitAsync(TimeSpan.FromSeconds(30));
            atKill = Directory.EnumerateFiles(bars, "*.parquet").Count();
        }

        var partials = Directory.EnumerateFiles(killed, "*.partial", SearchOption.AllDirectories).Count();
        var manifestAtKill = File.Exists(Path.Combine(killed, "manifest.json"));
        Assert.True(atKill < symbols, $"{atKill} of {symbols} files were out when the export was killed");
        Assert.False(manifestAtKill && ExportHarness.Manifest(killed).GetProperty("complete").GetBoolean(), "a killed export left a manifest that says complete");
        Say($"killed (SIGKILL) with {atKill} of {symbols} bars files out, {partials} partial file(s), manifest {(manifestAtKill ? "saved incomplete" : "not yet written")}");
        var resumed = await harness.ExportAsync("--all", "--format", "parquet", "--out", killed);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(manifestText, await File.ReadAllTextAsync(Path.Combine(killed, "manifest.json"), TestContext.Current.CancellationToken));
        Assert.Empty(Directory.EnumerateFiles(killed, "*.partial", SearchOption.AllDirectories));
        Say($"rerun after the kill: {resumed.StandardOutput.Trim()}");
        Say("  its manifest.json is byte for byte the uninterrupted export's; no partial file left");

        if (System.Environment.GetEnvironmentVariable("STOCKDATA_EXPORT_CHECK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report.ToString(), TestContext.Current.CancellationToken);
        }
    }

    private static bool Same(Totals a, Totals b) =>
        a.Rows == b.Rows && a.Volume == b.Volume && Math.Abs(a.Close - b.Close) <= 1e-12 * Math.Abs(a.Close);

    private static async Task<Dictionary<string, Totals>> StoreBySymbolAsync(ReplayHarness replay)
    {
        var text = await replay.ScalarAsync<string>("""
            SELECT string_agg(symbol || ' ' || n || ' ' || v || ' ' || c::text, ';' ORDER BY symbol) FROM (
                SELECT symbol, count(*) n, coalesce(sum(volume), 0) v, sum(close)::float8 c FROM daily_bars WHERE interval = '1d' GROUP BY symbol) t
            """);
        return text.Split(';').Select(line => line.Split(' ')).ToDictionary(p => p[0], p => new Totals(
            long.Parse(p[1], CultureInfo.InvariantCulture), long.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture)),
            StringComparer.Ordinal);
    }

    private static Dictionary<string, Totals> DuckBySymbol(string directory)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT symbol, count(*), coalesce(sum(volume), 0), sum(close) FROM read_parquet('{directory}/bars/1d/*.parquet') GROUP BY symbol";
        using var reader = command.ExecuteReader();
        var totals = new Dictionary<string, Totals>(StringComparer.Ordinal);
        while (reader.Read())
        {
            totals[reader.GetString(0)] = new Totals(ExportHarness.Long(reader.GetValue(1)), ExportHarness.Long(reader.GetValue(2)),
                Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture));
        }

        return totals;
    }

    private sealed record Totals(long Rows, long Volume, double Close);
}
