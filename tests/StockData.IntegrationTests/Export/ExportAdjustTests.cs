using System.Globalization;
using System.Net;
using System.Text.Json;
using StockData.Core;
using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Export;

/// <summary>
/// <c>stockdata export --adjust</c> against <c>GET /bars?adjust=</c> of a real worker, over a split and a dividend the
/// product's writer stored (<see cref="SplitStory"/>): the exported rows are the API's, number for number, for each
/// adjustment and as_of; a rerun with another <c>--adjust</c> into the same directory rewrites the bars file only.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ExportAdjustTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdjustedExport_EqualsTheApisAdjustedAnswer_AndAnotherAdjustRewritesTheBarsFile()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        var story = await SplitStory.WriteAsync(scope.Writer, () => DaemonBarsAdjustTests.ClockAsync(harness), Ct);
        await using var worker = await harness.StartWorkerAsync("export-adjust", new Dictionary<string, string?>
        {
            ["StockData__Daemon__Enabled"] = "false",
            ["StockData__Quality__Enabled"] = "false",
        });
        var symbols = Path.Combine(Path.GetTempPath(), $"export-adjust-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(symbols, SplitStory.Symbol + "\n", Ct);
        var directories = new List<string>();
        try
        {
            var between = DaemonBarsAdjustTests.Iso(story.AfterSplitBeforeRefetch);
            var from = SplitStory.DividendDate.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var (adjust, asOf, range) in new[] { ("all", (string?)null, false), ("splits", between, false), ("all", between, false), ("all", null, true) })
            {
                var query = $"/bars/{SplitStory.Symbol}?adjust={adjust}" + (asOf is null ? "" : $"&as_of={asOf}") + (range ? $"&from={from}" : "");
                var api = await JsonBarsAsync(worker, query);
                var dir = NewDirectory(directories);
                string[] args = ["--symbols", symbols, "--format", "csv", "--adjust", adjust, "--out", dir,
                    .. asOf is null ? Array.Empty<string>() : ["--as-of", asOf], .. range ? ["--from", from] : Array.Empty<string>()];
                var export = await harness.CliAsync(["export", .. args]);
                Assert.True(export.ExitCode == 0, export.ToString());
                var exported = DaemonBarsAdjustTests.CsvBars(await File.ReadAllTextAsync(Path.Combine(dir, "bars", "1d", SplitStory.Symbol + ".csv"), Ct));
                // The same numbers, not just close ones: one adjuster, one formatting that round-trips doubles.
                Assert.Equal(api, exported);
                Assert.Equal(adjust, ExportHarness.Manifest(dir).GetProperty("parameters").GetProperty("adjust").GetString());
            }

            // The adjustment does work here: the oldest bar's adjusted close is not the stored one.
            var stored = await JsonBarsAsync(worker, $"/bars/{SplitStory.Symbol}");
            var adjusted = await JsonBarsAsync(worker, $"/bars/{SplitStory.Symbol}?adjust=all");
            Assert.NotEqual(stored[0].Close, adjusted[0].Close);

            // Unadjusted first, then --adjust all into the same directory: only the bars file (and the manifest) change.
            var same = NewDirectory(directories);
            var plain = await harness.CliAsync("export", "--symbols", symbols, "--format", "csv", "--out", same);
            Assert.True(plain.ExitCode == 0, plain.ToString());
            var barsFile = Path.Combine(same, "bars", "1d", SplitStory.Symbol + ".csv");
            Assert.Equal(stored, DaemonBarsAdjustTests.CsvBars(await File.ReadAllTextAsync(barsFile, Ct)));
            var again = await harness.CliAsync("export", "--symbols", symbols, "--format", "csv", "--adjust", "all", "--out", same);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("(1 written,", again.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(adjusted, DaemonBarsAdjustTests.CsvBars(await File.ReadAllTextAsync(barsFile, Ct)));
            Assert.Equal("all", ExportHarness.Manifest(same).GetProperty("parameters").GetProperty("adjust").GetString());
            var rerun = await harness.CliAsync("export", "--symbols", symbols, "--format", "csv", "--adjust", "all", "--out", same);
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Contains("(0 written,", rerun.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(symbols);
            foreach (var dir in directories.Where(Directory.Exists))
            {
                Directory.Delete(dir, true);
            }
        }

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    private static string NewDirectory(List<string> directories)
    {
        var path = Path.Combine(Path.GetTempPath(), $"export-adjust-{Guid.NewGuid():N}");
        directories.Add(path);
        return path;
    }

    private static async Task<List<Bar>> JsonBarsAsync(WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("bars").EnumerateArray().Select(b => new Bar(
            b.GetProperty("ts").GetDateTimeOffset(),
            DateOnly.ParseExact(b.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            b.GetProperty("open").GetDouble(),
            b.GetProperty("high").GetDouble(),
            b.GetProperty("low").GetDouble(),
            b.GetProperty("close").GetDouble(),
            b.GetProperty("adj_close").GetDouble(),
            b.GetProperty("volume").GetInt64()))];
    }
}
