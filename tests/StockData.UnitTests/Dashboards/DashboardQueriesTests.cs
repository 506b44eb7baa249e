using StockData.TestSupport.Observability;

namespace StockData.UnitTests.Dashboards;

public sealed class DashboardQueriesTests
{
    private const string Dashboard = """
        {
          "templating": { "list": [
            { "name": "job", "type": "query", "allValue": ".+", "includeAll": true,
              "query": { "qryType": 1, "query": "label_values(stockdata_build_info, job)", "refId": "V" } },
            { "name": "instance", "type": "query", "includeAll": true,
              "query": "label_values(stockdata_build_info{job=~\"$job\"}, instance)" },
            { "name": "quantile", "type": "custom", "query": "0.95, 0.5" }
          ] },
          "panels": [
            { "type": "timeseries", "title": "Rows/s", "targets": [
              { "refId": "A", "expr": "sum(rate(stockdata_rows_written_total{job=~\"$job\", instance=~\"${instance}\"}[$__rate_interval]))" },
              { "refId": "B", "expr": "" } ] },
            { "type": "row", "title": "Collapsed", "collapsed": true, "panels": [
              { "type": "stat", "title": "Inside", "targets": [
                { "refId": "A", "expr": "histogram_quantile($quantile, sum by (le) (increase(x_bucket[$__range]))) * [[quantile]] / $__interval_ms" } ] } ] }
          ]
        }
        """;

    private static readonly GrafanaSubstitutions Substitutions =
        new(TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(1500), TimeSpan.FromHours(6));

    [Fact]
    public void Extract_PanelTarget_BuiltInsAndAllValuesSubstituted()
    {
        var query = Assert.Single(DashboardQueries.Extract(Dashboard, Substitutions), q => q.Source == "Rows/s A");

        Assert.Equal("sum(rate(stockdata_rows_written_total{job=~\".+\", instance=~\".+\"}[60s]))", query.Expression);
        Assert.Equal("Rows/s", query.PanelTitle);
        Assert.Contains("$__rate_interval", query.RawExpression, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_PanelInsideCollapsedRow_FoundWithEveryReferenceForm()
    {
        var query = Assert.Single(DashboardQueries.Extract(Dashboard, Substitutions), q => q.PanelTitle == "Inside");

        Assert.Equal("histogram_quantile(0.95, sum by (le) (increase(x_bucket[21600s]))) * 0.95 / 1500", query.Expression);
    }

    [Fact]
    public void Extract_QueryVariables_LabelValuesBecomeTheirSelector()
    {
        var variables = DashboardQueries.Extract(Dashboard, Substitutions).Where(q => q.PanelTitle is null).ToList();

        Assert.Equal(["variable job", "variable instance"], variables.Select(v => v.Source));
        Assert.Equal(["stockdata_build_info", "stockdata_build_info{job=~\".+\"}"], variables.Select(v => v.Expression));
    }

    [Fact]
    public void Extract_EmptyTargets_Skipped()
    {
        Assert.DoesNotContain(DashboardQueries.Extract(Dashboard, Substitutions), q => q.Source == "Rows/s B");
    }

    [Fact]
    public void Extract_GivenVariableValue_OverridesAllValue()
    {
        var substitutions = Substitutions with { Variables = new Dictionary<string, string> { ["instance"] = "w1:9464" } };

        var query = Assert.Single(DashboardQueries.Extract(Dashboard, substitutions), q => q.Source == "Rows/s A");

        Assert.Contains("instance=~\"w1:9464\"", query.Expression, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_UndefinedVariable_ThrowsNamingPanelAndVariable()
    {
        const string json = """
            { "panels": [ { "title": "Typo", "targets": [ { "refId": "A", "expr": "up{instance=~\"$instnace\"}" } ] } ] }
            """;

        var error = Assert.Throws<InvalidOperationException>(() => DashboardQueries.Extract(json, Substitutions));

        Assert.Contains("Typo A", error.Message, StringComparison.Ordinal);
        Assert.Contains("$instnace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RepositoryDashboard_EveryExpressionFullySubstituted()
    {
        var queries = DashboardQueries.Load(GrafanaSubstitutions.ForOneSecondScrapes);

        // 2 variables and more than 40 panel targets today; a broken walk would find far fewer.
        Assert.True(queries.Count > 40, $"only {queries.Count} expressions found");
        Assert.Equal(2, queries.Count(q => q.PanelTitle is null));
        Assert.All(queries, q => Assert.DoesNotContain("$", q.Expression, StringComparison.Ordinal));
        Assert.All(queries, q => Assert.DoesNotContain("[[", q.Expression, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(30_000, "30s")]
    [InlineData(90_000, "90s")]
    [InlineData(1_500, "1500ms")]
    public void Duration_Milliseconds_PrometheusLiteral(int milliseconds, string expected)
    {
        Assert.Equal(expected, GrafanaSubstitutions.Duration(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
