using System.Globalization;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Export;

/// <summary>
/// <c>stockdata export</c> against a replayed store: every file read back by DuckDB (another implementation than the
/// writer's) or pandas, totals equal to the store's, reruns that write nothing, a killed export that resumes to the
/// same manifest, and bad input refused with one line and exit 2.
/// </summary>
[Collection(ProcessCollection.Name)]
public class ExportCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Parquet_ReadBackByDuckDb_TotalsMatchTheStore_TypesAreReal_RerunWritesNothing()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        using var harness = await ExportHarness.ReplayAsync(postgres, sim, 12, "2010-01-01");
        var store = await harness.StoreTotalsAsync();
        Assert.True(store.Rows > 10_000, $"only {store.Rows} rows replayed");

        foreach (var partition in new[] { "symbol", "year" })
        {
            var dir = harness.NewDirectory();
            var result = await harness.ExportAsync("--all", "--format", "parquet", "--partition", partition, "--out", dir);
            Assert.True(result.ExitCode == 0, result.ToString());

            var bars = $"read_parquet('{dir}/bars/1d/*.parquet')";
            var totals = ExportHarness.DuckRow($"SELECT count(*), sum(volume), sum(close), count(DISTINCT symbol) FROM {bars}");
            Assert.Equal(store.Rows, ExportHarness.Long(totals[0]));
            Assert.Equal(store.Volume, ExportHarness.Long(totals[1]));
            Assert.Equal(store.Close, Convert.ToDouble(totals[2], CultureInfo.InvariantCulture), 1e-9 * store.Close);
            Assert.Equal(12L, ExportHarness.Long(totals[3]));

            var types = ExportHarness.DuckTypes(bars);
            Assert.Equal("DATE", types["trade_date"]);
            Assert.Equal("TIMESTAMP WITH TIME ZONE", types["ts"]);
            Assert.Equal("DOUBLE", types["open"]);
            Assert.Equal("DOUBLE", types["adj_close"]);
            Assert.Equal("BIGINT", types["volume"]);
            Assert.Equal("VARCHAR", types["symbol"]);
            // The symbol column is dictionary-encoded in every row group.
            var encodings = ExportHarness.DuckRow(
                $"SELECT string_agg(DISTINCT encodings, ';') FROM parquet_metadata('{dir}/bars/1d/*.parquet') WHERE path_in_schema = 'symbol'");
            Assert.Contains("DICTIONARY", (string)encodings[0]!, StringComparison.Ordinal);

            // Each file holds what the manifest says, and the events and metadata files match the store too.
            var manifest = ExportHarness.Manifest(dir);
            Assert.True(manifest.GetProperty("complete").GetBoolean());
            foreach (var file in manifest.GetProperty("files").EnumerateArray())
            {
                var rows = ExportHarness.DuckRow($"SELECT count(*) FROM read_parquet('{dir}/{file.GetProperty("path").GetString()}')");
                Assert.Equal(file.GetProperty("rows").GetInt64(), ExportHarness.Long(rows[0]));
            }

            var events = ExportHarness.DuckRow($"SELECT count(*), count(*) FILTER (WHERE type = 'split') FROM read_parquet('{dir}/events.parquet')");
            Assert.Equal(await harness.Replay.ScalarAsync<long>("SELECT (SELECT count(*) FROM dividends) + (SELECT count(*) FROM splits) + (SELECT count(*) FROM capital_gains)"),
                ExportHarness.Long(events[0]));
            Assert.Equal(await harness.Replay.ScalarAsync<long>("SELECT count(*) FROM splits"), ExportHarness.Long(events[1]));
            Assert.Equal("DATE", ExportHarness.DuckTypes($"read_parquet('{dir}/events.parquet')")["ex_date"]);
            var symbols = ExportHarness.DuckRow($"SELECT count(*), count(currency) FROM read_parquet('{dir}/symbols.parquet')");
            Assert.Equal(12L, ExportHarness.Long(symbols[0]));
            Assert.Equal(12L, ExportHarness.Long(symbols[1]));

            // A rerun over the unchanged store writes nothing: not a file, not the manifest.
            var before = ExportHarness.WriteTimes(dir);
            var manifestText = File.ReadAllText(Path.Combine(dir, "manifest.json"));
            var rerun = await harness.ExportAsync("--all", "--format", "parquet", "--partition", partition, "--out", dir);
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Contains("(0 written,", rerun.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(before, ExportHarness.WriteTimes(dir));
            Assert.Equal(manifestText, File.ReadAllText(Path.Combine(dir, "manifest.json")));
        }
    }

    [Fact]
    public async Task Csv_ReadByPandasAndDuckDb_TotalsMatchTheStore_ChangedSymbolRewritesOnlyItsFile()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        using var harness = await ExportHarness.ReplayAsync(postgres, sim, 6, "2015-01-01");
        var store = await harness.StoreTotalsAsync();
        var symbolFile = ReplayHarness.WriteSymbolFile(["# the sample's first six", .. ReplayHarness.SampleSymbols(6)]);
        var dir = harness.NewDirectory();
        var result = await harness.ExportAsync("--symbols", symbolFile, "--format", "csv", "--out", dir);
        Assert.True(result.ExitCode == 0, result.ToString());

        // pandas (Debian's python3-pandas, installed by scripts/services.sh) reads every bars file.
        const string script = """
            import glob, sys
            import pandas as pd
            frames = [pd.read_csv(f, parse_dates=["ts"]) for f in sorted(glob.glob(sys.argv[1] + "/bars/1d/*.csv"))]
            bars = pd.concat(frames)
            assert str(bars["ts"].dt.tz) == "UTC", bars["ts"].dt.tz
            print(len(bars), int(bars["volume"].sum()), repr(float(bars["close"].sum())), bars["symbol"].nunique())
            """;
        var pandas = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", script, dir], timeout: TimeSpan.FromMinutes(2));
        Assert.True(pandas.ExitCode == 0, pandas.ToString());
        var fields = pandas.StandardOutput.Trim().Split(' ');
        Assert.Equal(store.Rows, long.Parse(fields[0], CultureInfo.InvariantCulture));
        Assert.Equal(store.Volume, long.Parse(fields[1], CultureInfo.InvariantCulture));
        Assert.Equal(store.Close, double.Parse(fields[2], CultureInfo.InvariantCulture), 1e-9 * store.Close);
        Assert.Equal("6", fields[3]);

        // DuckDB's CSV reader agrees, and reads the columns with their types.
        var csv = $"read_csv('{dir}/bars/1d/*.csv', header = true)";
        var totals = ExportHarness.DuckRow($"SELECT count(*), sum(volume) FROM {csv}");
        Assert.Equal(store.Rows, ExportHarness.Long(totals[0]));
        Assert.Equal(store.Volume, ExportHarness.Long(totals[1]));
        Assert.Equal("DATE", ExportHarness.DuckTypes(csv)["trade_date"]);
        Assert.Equal(await harness.Replay.ScalarAsync<long>("SELECT count(*) FROM dividends"),
            Convert.ToInt64(ExportHarness.DuckRow($"SELECT count(*) FROM read_csv('{dir}/events.csv', header = true) WHERE type = 'dividend'")[0], CultureInfo.InvariantCulture));

        // One symbol's bars change: the rerun rewrites its file and nothing else.
        var first = ReplayHarness.SampleSymbols(1)[0];
        await harness.Replay.ScalarAsync<int>($"UPDATE daily_bars SET volume = volume + 1, updated_at = now() WHERE symbol = '{first}' AND trade_date = (SELECT max(trade_date) FROM daily_bars WHERE symbol = '{first}'); SELECT 1");
        var before = ExportHarness.WriteTimes(dir);
        var rerun = await harness.ExportAsync("--symbols", symbolFile, "--format", "csv", "--out", dir);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("(1 written,", rerun.StandardOutput, StringComparison.Ordinal);
        var after = ExportHarness.WriteTimes(dir);
        Assert.Equal([Path.Combine("bars", "1d", first + ".csv"), "manifest.json"],
            after.Where(p => before[p.Key] != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(store.Volume + 1, ExportHarness.Long(ExportHarness.DuckRow($"SELECT sum(volume) FROM {csv}")[0]));
    }

    [Fact]
    public async Task FreshExport_StampsEachFileFromItsOwnRead_SymbolWithoutRowsMakesNoFile_RerunAgrees()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        using var harness = await ExportHarness.ReplayAsync(postgres, sim, 3, "2018-01-01");
        // A symbol the store knows but holds no bars of: a fresh export plans a file for it and must not write one.
        await harness.Replay.ScalarAsync<int>("INSERT INTO symbols (symbol, currency) VALUES ('ZZBARE', 'USD'); SELECT 1");
        var sample = ReplayHarness.SampleSymbols(3);
        var symbolFile = ReplayHarness.WriteSymbolFile([.. sample, "ZZBARE"]);
        var dir = harness.NewDirectory();
        string[] request = ["--symbols", symbolFile, "--from", "2020-01-01", "--to", "2020-12-31", "--format", "parquet", "--out", dir];
        var result = await harness.ExportAsync(request);
        Assert.True(result.ExitCode == 0, result.ToString());

        var manifest = ExportHarness.Manifest(dir);
        var bars = manifest.GetProperty("files").EnumerateArray().Where(f => f.GetProperty("kind").GetString() == "bars").ToList();
        Assert.Equal(sample.Select(s => $"bars/1d/{s}.parquet").Order(StringComparer.Ordinal), bars.Select(f => f.GetProperty("path").GetString()));
        Assert.False(File.Exists(Path.Combine(dir, "bars", "1d", "ZZBARE.parquet")));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.partial", SearchOption.AllDirectories));
        var inRange = await harness.Replay.ScalarAsync<long>("SELECT count(*) FROM daily_bars WHERE trade_date BETWEEN '2020-01-01' AND '2020-12-31'");
        Assert.Equal(inRange, bars.Sum(f => f.GetProperty("rows").GetInt64()));
        Assert.Equal(inRange, ExportHarness.Long(ExportHarness.DuckRow($"SELECT count(*) FROM read_parquet('{dir}/bars/1d/*.parquet')")[0]));

        // The rerun plans from the store's stamps (a manifest is there to compare with): it must find every file's
        // source equal to what the first run counted while writing, so it writes nothing.
        var manifestText = File.ReadAllText(Path.Combine(dir, "manifest.json"));
        var rerun = await harness.ExportAsync(request);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("(0 written,", rerun.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(manifestText, File.ReadAllText(Path.Combine(dir, "manifest.json")));
    }

    [Fact]
    public async Task KilledExport_RerunsToTheSameManifest()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        using var harness = await ExportHarness.ReplayAsync(postgres, sim, 40, "1995-01-01");
        var reference = harness.NewDirectory();
        var clean = await harness.ExportAsync("--all", "--format", "parquet", "--out", reference);
        Assert.True(clean.ExitCode == 0, clean.ToString());

        // Kill the real process once some files are out but before it is done (SIGKILL: no cleanup of any kind).
        var dir = harness.NewDirectory();
        var bars = Path.Combine(dir, "bars", "1d");
        await using (var export = harness.StartExport(null, "--all", "--format", "parquet", "--out", dir))
        {
            Assert.True(await export.WaitUntilAsync(() => Task.FromResult(
                Directory.Exists(bars) && Directory.EnumerateFiles(bars, "*.parquet").Count() >= 3), TimeSpan.FromMinutes(2)), export.StandardError);
            Assert.False(export.HasExited, "the export finished before it could be killed: " + export.StandardOutput);
            export.Signal(9);
            await export.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var written = Directory.EnumerateFiles(bars, "*.parquet").Count();
        Assert.True(written < 40, $"{written} of 40 files were out when the export was killed");
        Assert.False(File.Exists(Path.Combine(dir, "manifest.json")) && ExportHarness.Manifest(dir).GetProperty("complete").GetBoolean(),
            "a killed export left a manifest that says complete");

        var rerun = await harness.ExportAsync("--all", "--format", "parquet", "--out", dir);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "manifest.json")), File.ReadAllText(Path.Combine(dir, "manifest.json")));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.partial", SearchOption.AllDirectories));
        Assert.Equal(await harness.Replay.ScalarAsync<long>("SELECT count(*) FROM daily_bars"),
            Convert.ToInt64(ExportHarness.DuckRow($"SELECT count(*) FROM read_parquet('{bars}/*.parquet')")[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task BadInput_OneClearLine_Exit2_NothingWritten()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        using var harness = await ExportHarness.ReplayAsync(postgres, sim, 2, "2026-01-01");
        var known = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(2));
        var unknown = ReplayHarness.WriteSymbolFile([ReplayHarness.SampleSymbols(1)[0], "NOSUCH1", "NOSUCH2"]);
        var notADirectory = Path.GetTempFileName();
        var crowded = harness.NewDirectory();
        Directory.CreateDirectory(crowded);
        await File.WriteAllTextAsync(Path.Combine(crowded, "notes.txt"), "mine", TestContext.Current.CancellationToken);

        var cases = new (string[] Args, string Expected)[]
        {
            (["--symbols", unknown, "--out", harness.NewDirectory()], "--symbols: unknown symbols NOSUCH1, NOSUCH2"),
            (["--all", "--from", "2026-06-01", "--to", "2026-01-01", "--out", harness.NewDirectory()], "--from: 2026-06-01 is after --to"),
            (["--all", "--as-of", "2999-01-01", "--out", harness.NewDirectory()], "--as-of: 2999-01-01 is in the future"),
            (["--all", "--out", Path.Combine(notADirectory, "sub")], "--out: "),
            (["--all", "--out", crowded], "holds other files (notes.txt)"),
            (["--out", harness.NewDirectory()], "--symbols: give either --symbols FILE or --all"),
            (["--all", "--symbols", known, "--out", harness.NewDirectory()], "--symbols: give either --symbols FILE or --all"),
            (["--all", "--adjust", "sideways", "--out", harness.NewDirectory()], "--adjust"),
        };
        foreach (var (args, expected) in cases)
        {
            var result = await harness.ExportAsync(args);
            Assert.True(result.ExitCode == 2, string.Join(' ', args) + "\n" + result);
            Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
            Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("stockdata: ", StringComparison.Ordinal));
        }

        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(crowded).Select(Path.GetFileName));

        // A directory holding an export of another request is refused too; the same request resumes in it.
        var dir = harness.NewDirectory();
        Assert.Equal(0, (await harness.ExportAsync("--symbols", known, "--format", "csv", "--out", dir)).ExitCode);
        var other = await harness.ExportAsync("--all", "--format", "csv", "--out", dir);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds an export of other parameters", other.StandardError, StringComparison.Ordinal);
        File.Delete(notADirectory);
    }
}
