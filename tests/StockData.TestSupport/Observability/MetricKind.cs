namespace StockData.TestSupport.Observability;

/// <summary>The prometheus-net collector type a metric family was created with.</summary>
public enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
    Summary,
}
