using System.Globalization;
using System.Text.RegularExpressions;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Observability;

/// <summary>
/// The per-stage series: after a real <c>stockdata replay</c> against the simulator and PostgreSQL, each of the
/// five stages (source, fetch, parse, batch, write) exports items in / out / failed, a queue depth and a duration
/// histogram with samples, and bad input is counted as a source failure. The replay reads its symbols from standard
/// input, which the test holds open, so the process (and its metrics endpoint) outlives the work it is measured on.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class StageMetricsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] Stages = ["source", "fetch", "parse", "batch", "write"];

    [GeneratedRegex("""^(stockdata_stage_[a-z_]+)\{stage="([a-z]+)"\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex StageSample();

    [GeneratedRegex("""^stockdata_symbols_processed_total\{outcome="[a-z_]+"\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex ProcessedSample();

    [Fact]
    public async Task Replay_EveryStage_ExportsAllFiveSeries_BadInputCountsAsSourceFailure()
    {
        postgres.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0", "--not-found-pattern", "^NOPE");
        var harness = new ReplayHarness(postgres, sim);
        var good = ReplayHarness.SampleSymbols(20);
        var port = LoopbackPorts.Free();
        await using var replay = ChildProcess.StartStockData(
            harness.Arguments("-", "--metrics-port", port.ToString(CultureInfo.InvariantCulture)), harness.Environment(), standardInput: true);

        var lines = new List<string> { "symbol,interval,from" };
        lines.AddRange(good.Select(s => $"{s},1d,2016-11-27"));
        lines.Add("NOPE,1d,2016-11-27"); // the simulator answers 404: a parse-stage failure
        lines.Add("MSFT,1m,2020-01-01"); // 1m bars from years ago: the planner's bad request, a source-stage failure
        lines.Add("BAD SYMBOL,1d,2016-11-27"); // a line the reader rejects: a source-stage failure too
        foreach (var line in lines)
        {
            await replay.StandardInput.WriteLineAsync(line.AsMemory(), ct);
        }

        await replay.StandardInput.FlushAsync(ct);

        // Every symbol finished (20 ok, 1 not found, 1 failed) while the input is still open; the queue gauges are
        // sampled every second, so wait for one more scrape after that.
        using var http = new HttpClient();
        var finished = await replay.WaitUntilAsync(async () => await ProcessedAsync(http, port) >= good.Count + 2, TimeSpan.FromMinutes(3));
        Assert.True(finished, "the replay did not finish its symbols:\n" + replay.StandardError);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        var samples = Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", ct));

        var missing = new List<string>();
        foreach (var stage in Stages)
        {
            foreach (var name in new[] { "stockdata_stage_items_in_total", "stockdata_stage_items_out_total", "stockdata_stage_duration_seconds_count" })
            {
                if (samples.GetValueOrDefault((name, stage)) <= 0)
                {
                    missing.Add($"{name}{{stage=\"{stage}\"}} has no samples");
                }
            }

            foreach (var name in new[] { "stockdata_stage_items_failed_total", "stockdata_stage_queue_depth" })
            {
                if (!samples.ContainsKey((name, stage)))
                {
                    missing.Add($"{name}{{stage=\"{stage}\"}} is not exported");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
        Assert.Equal(2, samples[("stockdata_stage_items_failed_total", "source")]);
        Assert.Equal(lines.Count - 1, samples[("stockdata_stage_items_in_total", "source")]);
        Assert.Equal(good.Count + 1, samples[("stockdata_stage_items_out_total", "source")]);
        Assert.Equal(good.Count + 2, samples[("stockdata_stage_duration_seconds_count", "source")]); // every plan, failed or not
        Assert.True(samples[("stockdata_stage_items_failed_total", "parse")] >= 1, "the not-found symbol is a parse failure");
        Assert.Equal(0, samples[("stockdata_stage_queue_depth", "source")]); // nothing left to hand to the fetch stage

        replay.StandardInput.Close();
        var result = await replay.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 1, "a failed symbol makes the exit code 1:\n" + result);
        Assert.Contains("BAD SYMBOL", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<double> ProcessedAsync(HttpClient http, int port)
    {
        try
        {
            var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            return ProcessedSample().Matches(text).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException)
        {
            return 0; // not listening yet
        }
    }

    private static Dictionary<(string Name, string Stage), double> Parse(string exposition) =>
        StageSample().Matches(exposition).ToDictionary(
            m => (m.Groups[1].Value, m.Groups[2].Value),
            m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
}
