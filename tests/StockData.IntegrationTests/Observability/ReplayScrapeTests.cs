using System.Globalization;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;
using StockData.TestSupport.Observability;

namespace StockData.IntegrationTests.Observability;

/// <summary>
/// The live check of the dashboard and alerts: a real Prometheus scrapes a real <c>stockdata replay --metrics-port</c> during a demo-size
/// replay; every dashboard and alert expression evaluates without error, and the throughput, backlog and latency
/// panels return data.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ReplayScrapeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] MustHaveData =
    [
        "stockdata_rows_written_total", "stockdata_stage_queue_depth", "stockdata_stage_duration_seconds_bucket",
        "stockdata_symbols_processed_total", "stockdata_write_duration_seconds_bucket",
    ];

    [Fact]
    public async Task Replay_ScrapedByPrometheus_DashboardExpressionsEvaluate_CorePanelsHaveData()
    {
        postgres.EnsureAvailable();
        PrometheusTools.Require("prometheus");
        var ct = TestContext.Current.CancellationToken;
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var harness = new ReplayHarness(postgres, sim);
        var file = ReplayHarness.WriteSymbolFile(ReplayHarness.SampleSymbols(400));
        var port = LoopbackPorts.Free();

        // 20 requests/s: the replay lasts about 20 s, long enough for several 1 s scrapes while it works.
        await using var replay = harness.Start(file, null, "--from", "2016-11-27", "--rate", "20", "--burst", "2",
            "--metrics-port", port.ToString(CultureInfo.InvariantCulture));
        await using var prometheus = await PrometheusProcess.StartAsync([$"127.0.0.1:{port}"], "stockdata", [AlertRules.RulesFile], ct);
        await prometheus.WaitUntilAsync("sum(up{job=\"stockdata\"})", 1, TimeSpan.FromSeconds(60), ct);
        await prometheus.WaitUntilAsync("count_over_time(up{job=\"stockdata\"}[1m])", 8, TimeSpan.FromSeconds(60), ct);
        Assert.False(replay.HasExited, "the replay ended before Prometheus had scraped it enough:\n" + replay.StandardError);

        var failures = new List<string>();
        var queries = DashboardQueries.Load(GrafanaSubstitutions.ForOneSecondScrapes);
        var withData = 0;
        foreach (var query in queries)
        {
            var result = await prometheus.QueryAsync(query.Expression, ct);
            if (!result.Success)
            {
                failures.Add($"{query.Source}: {result.Error}\n    {query.Expression}");
            }
            else if (result.Count == 0 && MustHaveData.Any(m => query.Expression.Contains(m, StringComparison.Ordinal)))
            {
                failures.Add($"{query.Source}: no data\n    {query.Expression}");
            }
            else if (result.Count > 0)
            {
                withData++;
            }
        }

        foreach (var rule in AlertRules.Load())
        {
            var result = await prometheus.QueryAsync(rule.Expression, ct);
            if (!result.Success)
            {
                failures.Add($"alert {rule.Name}: {result.Error}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(withData >= 20, $"only {withData} of {queries.Count} dashboard expressions returned data");
        var rows = await prometheus.QueryAsync("sum(stockdata_rows_written_total)", ct);
        Assert.True(rows.Success && rows.Values.Single() > 0, rows.ToString());

        var finished = await replay.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(finished.ExitCode == 0, finished.ToString());
    }
}
