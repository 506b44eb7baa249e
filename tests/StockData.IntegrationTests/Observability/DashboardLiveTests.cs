using Prometheus;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using StockData.TestSupport.Observability;
using static StockData.Diagnostics.PipelineMetrics;

namespace StockData.IntegrationTests.Observability;

/// <summary>
/// A real Prometheus scrapes a real prometheus-net exposition of every PipelineMetrics family (this process's default
/// registry, as the worker serves it), then every dashboard expression, substituted as Grafana would send it, and every
/// alert expression is evaluated. The values are recorded here rather than by a pipeline run (ReplayScrapeTests scrapes
/// a live replay), so that every family has samples; the queries, the names and the exposition format are the real ones.
/// </summary>
/// <remarks>Records into the process-wide collectors: nothing else in this assembly reads them, and the process
/// collection runs alone.</remarks>
[Collection(ProcessCollection.Name)]
public sealed class DashboardLiveTests
{
    [Fact]
    public async Task DashboardAndAlertExpressions_AgainstScrapedExporter_EvaluateAndReturnData()
    {
        PrometheusTools.Require("prometheus");
        var ct = TestContext.Current.CancellationToken;
        var port = LoopbackPorts.Free();
        using var exporter = new KestrelMetricServer(hostname: "127.0.0.1", port: port);
        exporter.Start();
        RecordEveryFamily();

        await using var prometheus = await PrometheusProcess.StartAsync([$"127.0.0.1:{port}"], "stockdata", [AlertRules.RulesFile], ct);
        await prometheus.WaitUntilAsync("sum(up{job=\"stockdata\"})", 1, TimeSpan.FromSeconds(30), ct);
        // Counters moving between scrapes, so rate() and histogram_quantile() have real increases to work on.
        for (var i = 0; i < 4; i++)
        {
            RecordEveryFamily();
            await Task.Delay(TimeSpan.FromSeconds(1.1), ct);
        }

        await prometheus.WaitUntilAsync("count_over_time(up{job=\"stockdata\"}[1m])", 5, TimeSpan.FromSeconds(30), ct);

        var failures = new List<string>();
        var queries = DashboardQueries.Load(GrafanaSubstitutions.ForOneSecondScrapes);
        foreach (var query in queries)
        {
            var result = await prometheus.QueryAsync(query.Expression, ct);
            if (!result.Success || result.Count == 0)
            {
                failures.Add($"{query.Source}: {(result.Success ? "no data" : result.Error)}\n    {query.Expression}");
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

        Assert.True(failures.Count == 0, $"{failures.Count} of {queries.Count} dashboard and the alert expressions failed:\n" +
                                         string.Join('\n', failures));
        Assert.True(queries.Count > 40, $"only {queries.Count} dashboard expressions");

        // Prometheus evaluated the rules file itself (1 s interval): every rule healthy; the write stage's recorded
        // failures fire StockDataWriteErrors (no `for`), and nothing else fires on this otherwise healthy exporter.
        var rules = await prometheus.RulesAsync(ct);
        Assert.Equal(
            AlertRules.Load().Select(r => r.Name).Order(StringComparer.Ordinal),
            rules.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(rules, r => Assert.True(r.Health == "ok", $"{r.Name}: {r.Health} {r.LastError}"));
        Assert.Equal(["StockDataWriteErrors"], rules.Where(r => r.State != "inactive").Select(r => r.Name));
    }

    [Fact]
    public async Task PrometheusProcess_QueryWithSyntaxError_ReportsPrometheusError()
    {
        PrometheusTools.Require("prometheus");
        var ct = TestContext.Current.CancellationToken;

        await using var prometheus = await PrometheusProcess.StartAsync(["127.0.0.1:1"], "nothing", cancellationToken: ct);
        var bad = await prometheus.QueryAsync("sum(rate(stockdata_rows_written_total[$__rate_interval]))", ct);
        var good = await prometheus.QueryAsync("vector(42)", ct);

        Assert.False(bad.Success);
        Assert.Contains("parse error", bad.Error, StringComparison.Ordinal);
        Assert.True(good.Success, good.ToString());
        Assert.Equal([42.0], good.Values);
    }

    private static void RecordEveryFamily()
    {
        foreach (var stage in new[] { Stages.Source, Stages.Fetch, Stages.Parse, Stages.Batch, Stages.Write })
        {
            StageItemsIn.WithLabels(stage).Inc(10);
            StageItemsOut.WithLabels(stage).Inc(9);
            StageItemsFailed.WithLabels(stage).Inc(1);
            StageQueueDepth.WithLabels(stage).Set(5);
            StageDuration.WithLabels(stage).Observe(0.02);
        }

        foreach (var outcome in new[] { "inserted", "updated", "unchanged" })
        {
            RowsWritten.WithLabels(outcome).Inc(1000);
        }

        WriteBatchRows.Observe(3000);
        WriteDuration.Observe(0.4);
        foreach (var outcome in new[] { "ok", "not_found", "failed" })
        {
            SymbolsProcessed.WithLabels(outcome).Inc(2);
        }

        UpstreamResponses.WithLabels(StatusClass(200), "none").Inc(40); // 429 share 1/41: under the alert's 5 %
        UpstreamResponses.WithLabels(StatusClass(429), "rate_limited").Inc(1);
        UpstreamRequestsByPurpose.WithLabels(StockData.Core.RequestPurpose.Schedule).Inc(40);
        UpstreamRequestsByPurpose.WithLabels(StockData.Core.RequestPurpose.Repair).Inc(1);
        RateLimiterWait.Observe(0.5);
        RateLimiterTokens.WithLabels("granted").Inc(41);
        RateLimiterTokens.WithLabels("refused").Inc(1);
        RateLimiterFallback.Set(0);
        CooldownActive.Set(0);
        CircuitState.Set(0);
        EgressCircuitState.WithLabels("yahoo").Set(0);
        // A healthy egress: sessions refreshed now and then, one failure among them, no auth cooldown.
        SessionRefreshes.WithLabels("yahoo", SessionRefreshResults.Ok).Inc(1);
        SessionRefreshes.WithLabels("yahoo", SessionRefreshResults.Failed).Inc(0);
        SessionAge.WithLabels("yahoo").Set(12);
        AuthFailures.WithLabels("yahoo", "refused").Inc(1);
        AuthCooldownActive.WithLabels("yahoo").Set(0);
        AuthCooldowns.WithLabels("yahoo").Inc(0);
        EgressRequests.WithLabels("yahoo", "chart").Inc(40);
        EgressRequests.WithLabels("yahoo", "session").Inc(2);
        EgressThrottled.WithLabels("yahoo", "chart").Inc(1);
        foreach (var result in new[] { "hit", "miss", "stale" })
        {
            CacheRequests.WithLabels("response", result).Inc(3);
        }

        SymbolsByStatus.WithLabels("active").Set(495);
        JobItemsByStatus.WithLabels("pending").Set(10);
        LeasesHeld.Set(50);
        LeaseTakeovers.Inc(0); // unlabelled, so exported at 0 anyway; a steady climb would be a takeover storm
        SymbolsDue.Set(100);
        SymbolsOverdue.Set(0);
        QualityGaps.WithLabels("bar", "repaired").Set(120);
        QualitySuspiciousResponses.WithLabels("flagged").Set(3);
        QualityScans.WithLabels("ran").Inc();
        // Maintenance moving rows out of a DEFAULT partition would fire an alert: exported at 0 here, as a quiet store has it.
        IntradayDefaultRows.WithLabels("1m").Inc(0);
        IntradayPartitionsCreated.WithLabels("1m").Inc();
        IntradayPartitionsDropped.WithLabels("1m").Inc();
        IntradayRowsDropped.WithLabels("1m").Inc(10_000);
        PartitionMaintenanceRuns.WithLabels("ran").Inc();
        // A worker with a read replica: reads on both servers, the standby caught up. Set here rather than left to the
        // standby tests, which may not have run in this process before this one.
        StoreReads.WithLabels("standby").Inc(30);
        StoreReads.WithLabels("primary").Inc(2);
        ReplicaLagSeconds.Set(0);
        ReplicaLagBytes.Set(0);
        ReplicaUp.Set(1);
    }
}
