using System.Reflection;
using Prometheus;
using StockData.Diagnostics;
using StockData.TestSupport.Observability;

namespace StockData.UnitTests.Dashboards;

/// <summary>
/// The dashboard and the alert rules query only names that PipelineMetrics.cs defines (a panel on a name the code does
/// not export would silently show nothing), and every family defined there is on the dashboard.
/// </summary>
public sealed class DashboardMetricNamesTests
{
    // Names from outside PipelineMetrics.cs: Prometheus's own `up` and prometheus-net's default process/.NET collectors.
    // The live test (IntegrationTests/Observability/DashboardLiveTests) shows each of them in a real scrape.
    private static readonly HashSet<string> OtherExportedNames = new(StringComparer.Ordinal)
    {
        "up", "process_cpu_seconds_total", "process_working_set_bytes", "dotnet_total_memory_bytes",
    };

    private static readonly IReadOnlySet<string> Series = ExportedMetrics.SeriesNames(ExportedMetrics.LoadFamilies());

    [Fact]
    public void Dashboard_EveryMetricName_IsExported()
    {
        var queries = DashboardQueries.Load(GrafanaSubstitutions.ForOneSecondScrapes).Select(q => (q.Source, q.Expression));

        var unknown = UnknownNames(queries, Series);

        Assert.True(unknown.Count == 0, "The dashboard queries names PipelineMetrics.cs does not define:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void AlertRules_EveryMetricName_IsExported()
    {
        var rules = AlertRules.Load().Select(r => (r.Name, r.Expression)).ToList();

        var unknown = UnknownNames(rules, Series);

        Assert.NotEmpty(rules);
        Assert.True(unknown.Count == 0, "The alert rules query names PipelineMetrics.cs does not define:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void UnknownNames_NamesTheCodeDoesNotExport_EachReported()
    {
        // Guards the two tests above against passing vacuously: a typo, a histogram's bare family name (no such
        // series), a suffix on a non-histogram and an unknown default metric are all caught.
        var queries = new[]
        {
            ("typo", "sum(rate(stockdata_rows_writen_total[1m]))"),
            ("bare histogram", "rate(stockdata_write_duration_seconds[1m])"),
            ("counter bucket", "stockdata_rows_written_total_bucket"),
            ("default", "process_open_fds"),
            ("fine", "histogram_quantile(0.5, sum by (le) (rate(stockdata_write_duration_seconds_bucket[1m]))) + up"),
        };

        var unknown = UnknownNames(queries, Series);

        Assert.Equal(
            [
                "typo: stockdata_rows_writen_total", "bare histogram: stockdata_write_duration_seconds",
                "counter bucket: stockdata_rows_written_total_bucket", "default: process_open_fds",
            ],
            unknown);
    }

    [Fact]
    public void PipelineMetrics_EveryFamily_IsOnTheDashboard()
    {
        // A metric nobody charts is a metric nobody reads: a new family comes with its panel (docs/development.md §7).
        var used = DashboardQueries.Load(GrafanaSubstitutions.ForOneSecondScrapes)
            .SelectMany(q => PromQl.MetricNames(q.Expression)).ToHashSet(StringComparer.Ordinal);

        var missing = ExportedMetrics.LoadFamilies()
            .Where(f => !ExportedMetrics.SeriesNames(new Dictionary<string, MetricKind> { [f.Key] = f.Value }).Overlaps(used))
            .Select(f => f.Key).ToList();

        Assert.True(missing.Count == 0, "Families without a dashboard panel: " + string.Join(", ", missing));
    }

    [Fact]
    public void ExportedMetrics_ParsedFromSource_MatchTheCollectorsAtRuntime()
    {
        // The regex reads the file; reflection reads what actually registers. They agree, or the parse misses names.
        var runtime = typeof(PipelineMetrics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<Collector>()
            .ToDictionary(c => c.Name, c => c switch
            {
                Counter => MetricKind.Counter,
                Gauge => MetricKind.Gauge,
                Histogram => MetricKind.Histogram,
                _ => MetricKind.Summary,
            });

        var parsed = ExportedMetrics.LoadFamilies();

        Assert.Equal(runtime.OrderBy(p => p.Key, StringComparer.Ordinal), parsed.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(parsed.Keys, name => Assert.StartsWith("stockdata_", name, StringComparison.Ordinal));
    }

    [Fact]
    public void SeriesNames_Histogram_BucketSumCountButNotTheBareName()
    {
        var series = ExportedMetrics.SeriesNames(ExportedMetrics.ParseFamilies(
            """
            Metrics.CreateHistogram("h_seconds", "x"); Metrics.CreateCounter(
                "c_total", "y", "l"); Metrics.CreateSummary("s", "z");
            """));

        Assert.Equal(["c_total", "h_seconds_bucket", "h_seconds_count", "h_seconds_sum", "s", "s_count", "s_sum"],
            series.Order(StringComparer.Ordinal));
    }

    private static List<string> UnknownNames(IEnumerable<(string Source, string Expression)> queries, IReadOnlySet<string> series) =>
        queries.SelectMany(q => PromQl.MetricNames(q.Expression)
                .Where(name => name.StartsWith("stockdata_", StringComparison.Ordinal)
                    ? !series.Contains(name)
                    : !OtherExportedNames.Contains(name))
                .Select(name => $"{q.Source}: {name}"))
            .ToList();
}
