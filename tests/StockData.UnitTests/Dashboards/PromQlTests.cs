using StockData.TestSupport.Observability;

namespace StockData.UnitTests.Dashboards;

public sealed class PromQlTests
{
    [Fact]
    public void MetricNames_AggregationWithByAndFunctions_OnlyTheMetric()
    {
        var names = PromQl.MetricNames(
            "histogram_quantile(0.95, sum by (stage, le) (rate(stockdata_stage_duration_seconds_bucket{job=~\".+\"}[30s])))");

        Assert.Equal(["stockdata_stage_duration_seconds_bucket"], names);
    }

    [Fact]
    public void MetricNames_LabelMatchersAndStrings_NotTakenForNames()
    {
        var names = PromQl.MetricNames(
            "sum(rate(stockdata_upstream_responses_total{category=\"rate_limited\", instance=~'stockdata_fake.*', x=`raw \\`}[5m]))");

        Assert.Equal(["stockdata_upstream_responses_total"], names);
    }

    [Fact]
    public void MetricNames_BinaryOperatorsOffsetAndVectorMatching_BothSides()
    {
        var names = PromQl.MetricNames(
            "a_total / on(instance) group_left(version) b_info offset 5m > bool 0.5 and c unless max without (le) (d) or vector(0)");

        Assert.Equal(["a_total", "b_info", "c", "d"], names);
    }

    [Fact]
    public void MetricNames_SubqueryNumbersAndKeywords_NoFalseNames()
    {
        var names = PromQl.MetricNames(
            "min_over_time((stockdata_circuit_state == bool 2)[5m:30s]) > 1e3 or absent(up{job=\"x\"} == 1) + Inf");

        Assert.Equal(["stockdata_circuit_state", "up"], names);
    }

    [Fact]
    public void MetricNames_RepeatedName_ListedOnce()
    {
        var names = PromQl.MetricNames("sum(rate(x_total[1m])) / sum(rate(x_total[1m]))");

        Assert.Equal(["x_total"], names);
    }
}
