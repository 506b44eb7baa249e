using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Reliability;

/// <summary>
/// Symbol files written to hurt: garbage bytes, overlong lines, Unicode look-alikes, path tricks, SQL, CRLF and a BOM,
/// an empty file, and a million lines streamed in bounded memory. Every bad line is reported as <c>file:line: reason</c>,
/// every valid one processed, and no line reaches the upstream as anything but a chart path of a valid symbol. Bad
/// configuration: one clear line and exit 2. (SymbolFileReaderTests cover the reader's rules one by one;
/// ReplayCommandTests.Replay_MalformedSymbolFile_PerLineErrors_ValidLinesProcessed the first hostile file.)
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class HostileInputTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [GeneratedRegex(@"^/v8/finance/chart/(AAPL|MSFT|BRK-B|%5EGSPC|EURUSD=X)$")]
    private static partial Regex ValidPaths();

    [Fact]
    public async Task Replay_HostileFile_BomCrlf_PerLineErrors_OnlyValidSymbolsReachTheUpstream()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var harness = new ReplayHarness(postgres, sim);
        // (line, bad?) — line numbers are 1-based; the BOM sits before line 1.
        var lines = new (string Text, bool Bad)[]
        {
            ("AAPL", false),
            ("../../etc/passwd", true),
            ("..%2F..%2Fsim%2Fstats", true),
            ("A%2FB", true),
            ("AAPL/../../sim/reset", true),
            ("AAPL?range=max", true),
            ("http://evil.example/x", true),
            ("@evil.example", true),
            ("'; DROP TABLE daily_bars; --", true),
            ("MSFT' OR '1'='1", true),
            ("МSFT", true),                 // Cyrillic М
            ("ＡＡＰＬ", true),              // full-width
            ("AAPL\u200B", true),           // zero-width space
            ("BRK-B", false),
            (new string('Q', 5000), true),
            ("A\tB", true),
            ("^GSPC", false),
            ("EURUSD=X", false),
            ("MSFT", false),                // a duplicate: processed once, not an error
        };
        var bytes = new List<byte> { 0xEF, 0xBB, 0xBF };
        foreach (var (text, _) in lines)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(text + "\r\n"));
        }

        // Raw garbage: invalid UTF-8, a NUL, control bytes.
        var garbageLine = lines.Length + 1;
        bytes.AddRange([0xFF, 0xFE, 0x00, 0x41, 0xC3, 0x28, (byte)'\r', (byte)'\n']);
        var file = Path.Combine(Path.GetTempPath(), $"hostile-{Guid.NewGuid():N}.txt");
        await File.WriteAllBytesAsync(file, [.. bytes]);

        var result = await harness.RunAsync(file, null, "--from", "2026-11-01");

        var errors = result.StandardError.Split('\n').Where(l => l.StartsWith(file + ":", StringComparison.Ordinal)).ToList();
        var expectedBad = lines.Select((l, i) => (l.Bad, Line: i + 1)).Where(l => l.Bad).Select(l => l.Line).Append(garbageLine).ToList();
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var line in expectedBad)
        {
            Assert.Contains(errors, e => e.StartsWith($"{file}:{line}: ", StringComparison.Ordinal));
        }

        var rejected = ReplayHarness.SummaryValue(result, "input lines rejected");
        var ok = ReplayHarness.SummaryValue(result, "symbols ok");
        Assert.Equal(rejected, errors.Count);
        Assert.Equal(expectedBad.Count, rejected);
        Assert.Equal(5, ok);
        Assert.Equal(lines.Length + 1, rejected + ok + ReplayHarness.SummaryValue(result, "symbols not found") + DuplicatesOf(lines));
        var stored = (await harness.ScalarAsync<string>("SELECT string_agg(DISTINCT symbol, ',' ORDER BY symbol) FROM daily_bars")).Split(',');
        Assert.Equal(["AAPL", "BRK-B", "EURUSD=X", "MSFT", "^GSPC"], stored);
        Assert.All(await sim.PathsAsync(), p => Assert.Matches(ValidPaths(), p));
    }

    [Fact]
    public async Task Replay_EmptyAndBomOnlyFiles_NothingToDoExit0()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var harness = new ReplayHarness(postgres, sim);
        var empty = Path.Combine(Path.GetTempPath(), $"empty-{Guid.NewGuid():N}.txt");
        var bomOnly = Path.Combine(Path.GetTempPath(), $"bom-{Guid.NewGuid():N}.txt");
        await File.WriteAllBytesAsync(empty, []);
        await File.WriteAllBytesAsync(bomOnly, [0xEF, 0xBB, 0xBF, (byte)'\r', (byte)'\n']);

        foreach (var file in new[] { empty, bomOnly })
        {
            var result = await harness.RunAsync(file);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(0, ReplayHarness.SummaryValue(result, "symbols ok"));
            Assert.Equal(0, ReplayHarness.SummaryValue(result, "input lines rejected"));
        }

        Assert.Equal(0, (await sim.StatsAsync()).GetProperty("total_requests").GetInt64());
    }

    /// <summary>
    /// A million lines: 1,000 valid symbols, each five times, among 995,000 garbage lines (a tenth of them overlong, so
    /// the file is ~110 MB). Streamed: the peak resident set is no more than a reference replay's of the 1,000 valid
    /// symbols alone (same run, same simulator, fixed generation-0 budget) plus a fraction of the file's size, and every
    /// garbage line is one error line.
    /// </summary>
    [Fact]
    public async Task Replay_MillionLineFile_Streamed_MemoryBounded_EveryBadLineReported()
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        const int Lines = 1_000_000, Valid = 1_000, Repeats = 5;
        var file = Path.Combine(Path.GetTempPath(), $"million-{Guid.NewGuid():N}.txt");
        var reference = ReplayHarness.WriteSymbolFile(Enumerable.Range(0, Valid).Select(i => $"MIL{i:D4}"));
        var errorsFile = file + ".stderr";
        long garbage = 0;
        await using (var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16))
        {
            var validEvery = Lines / (Valid * Repeats);
            string[] shapes = ["../../etc/passwd{0}", "%2F{0}", "'; DROP TABLE daily_bars; -- {0}", "АAPL{0}", "A B {0}", "x/y{0}", "{0},extra"];
            for (var i = 0; i < Lines; i++)
            {
                if (i % validEvery == 0)
                {
                    await writer.WriteLineAsync($"MIL{i / validEvery % Valid:D4}");
                    continue;
                }

                garbage++;
                await writer.WriteLineAsync(i % 10 == 1
                    ? new string('G', 1000) + i.ToString(CultureInfo.InvariantCulture)
                    : string.Format(CultureInfo.InvariantCulture, shapes[i % shapes.Length], i));
            }
        }

        var fileBytes = new FileInfo(file).Length;
        try
        {
            // The reference first, into a schema of its own, so both replays fetch and write the same 1,000 symbols.
            var (referenceResult, referencePeak, _) = await ReplayMeasuredAsync(new ReplayHarness(postgres, sim), reference, errorsFile);
            Assert.True(referenceResult.ExitCode == 0, referenceResult.ToString());
            Assert.Equal(Valid, ReplayHarness.SummaryValue(referenceResult, "symbols ok"));

            var harness = new ReplayHarness(postgres, sim);
            var (result, peak, seconds) = await ReplayMeasuredAsync(harness, file, errorsFile);
            var errorLines = 0L;
            foreach (var line in File.ReadLines(errorsFile))
            {
                if (line.StartsWith(file + ":", StringComparison.Ordinal))
                {
                    errorLines++;
                }
            }

            Assert.True(result.ExitCode == 0, result + File.ReadLines(errorsFile).TakeLast(20).Aggregate("", (a, l) => a + "\n" + l));
            Assert.Equal(Valid, ReplayHarness.SummaryValue(result, "symbols ok"));
            Assert.Equal(garbage, ReplayHarness.SummaryValue(result, "input lines rejected"));
            Assert.Equal(garbage, errorLines);
            Assert.Equal(Valid, await harness.ScalarAsync<long>("SELECT count(DISTINCT symbol) FROM daily_bars"));
            Assert.Equal(2 * Valid, (await sim.StatsAsync()).GetProperty("total_requests").GetInt64());
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"million lines: {fileBytes / 1048576.0:0} MB file, {garbage} bad lines reported, {Valid} symbols ok, peak RSS " +
                $"{peak / 1048576.0:0} MB against {referencePeak / 1048576.0:0} MB for the valid symbols alone, {seconds:0.0} s");
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            // Reading line by line, the garbage costs a reader's buffer and short-lived strings (at most the fixed
            // generation-0 budget before a collection): 13-22 MB over the reference alone, and 66 MB in a full CI run on a
            // 300 MiB-L3 machine, where the reference replay (a separate process) peaked at 90 MB instead of 126 and the
            // million-line one at 156 instead of 147. A reader that held the file would need twice its size (UTF-16
            // strings, 220 MB) or more. The file's size keeps the threshold 1.6 times the worst streaming figure and half of
            // what holding costs.
            Assert.True(referencePeak > 0 && peak - referencePeak < fileBytes, summary);
        }
        finally
        {
            File.Delete(file);
            File.Delete(reference);
            File.Delete(errorsFile);
        }
    }

    /// <summary>
    /// A replay of <paramref name="file"/> with a fixed generation-0 budget, stderr to <paramref name="errorsFile"/>:
    /// its result, its peak resident set in bytes and its seconds.
    /// </summary>
    private static async Task<(ProcessResult Result, long PeakBytes, double Seconds)> ReplayMeasuredAsync(ReplayHarness harness, string file, string errorsFile)
    {
        // stderr to a file (a million error lines), through exec so the PID watched is the replay's own.
        var args = harness.Arguments(file, "--from", "2026-11-20").Select(Quote);
        await using var replay = ChildProcess.Start("bash", ["-c", $"exec {RepoPaths.StockDataShellCommand} {string.Join(' ', args)} 2>{Quote(errorsFile)}"],
            harness.Environment(ProcessMemory.WithFixedGen0Budget()));
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!replay.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            peak = Math.Max(peak, ProcessMemory.PeakResidentBytes(replay.Id));
            await Task.Delay(50);
        }

        return (await replay.WaitAsync(TimeSpan.FromMinutes(1)), peak, clock.Elapsed.TotalSeconds);
    }

    [Theory]
    [InlineData("StockData__Writer__BatchSize", "0")]
    [InlineData("StockData__RateLimit__PermitsPerSecond", "-1")]
    [InlineData("StockData__Storage__Schema", "bars; DROP TABLE x")]
    [InlineData("StockData__Yahoo__BaseUrl", "not a url")]
    [InlineData("StockData__Yahoo__MaxResponseBytes", "0")]
    [InlineData("StockData__Yahoo__AttemptTimeout", "forever")]
    [InlineData("StockData__Ingest__FetchConcurrency", "100000")]
    public async Task Replay_BadConfiguration_OneClearLineNamingIt_Exit2(string key, string value)
    {
        postgres.EnsureAvailable();
        var file = ReplayHarness.WriteSymbolFile(["AAPL"]);
        var result = await ProcessRunner.RunStockDataAsync(["replay", file], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
            [key] = value,
        });

        var lines = (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("stockdata: configuration error:", lines[0], StringComparison.Ordinal);
        Assert.Contains(key.Split("__")[^1], lines[0], StringComparison.Ordinal);
    }

    private static int DuplicatesOf((string Text, bool Bad)[] lines) =>
        lines.Where(l => !l.Bad).GroupBy(l => l.Text, StringComparer.Ordinal).Sum(g => g.Count() - 1);

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
