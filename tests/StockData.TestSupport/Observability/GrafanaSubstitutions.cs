namespace StockData.TestSupport.Observability;

/// <summary>
/// What Grafana puts in place of its built-in variables when it sends a query, and values for template variables
/// (a template variable not listed takes its "All" value, else <c>.+</c>).
/// </summary>
/// <param name="RateInterval"><c>$__rate_interval</c>: Grafana uses max(4 × scrape interval, $__interval + scrape interval).</param>
/// <param name="Interval"><c>$__interval</c>: the time range divided by the panel's width in points.</param>
/// <param name="Range"><c>$__range</c>: the dashboard's time range.</param>
/// <param name="Variables">Template variable values by name (regex-ready, as Grafana formats them for PromQL).</param>
public sealed record GrafanaSubstitutions(
    TimeSpan RateInterval,
    TimeSpan Interval,
    TimeSpan Range,
    IReadOnlyDictionary<string, string>? Variables = null)
{
    /// <summary>A 1 s scrape interval over a 5-minute range: what a test Prometheus scraping every second sees.</summary>
    public static GrafanaSubstitutions ForOneSecondScrapes { get; } =
        new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));

    /// <summary>A Prometheus duration literal: whole seconds as <c>Ns</c>, else milliseconds.</summary>
    public static string Duration(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)value.TotalSeconds}s" : $"{(long)value.TotalMilliseconds}ms";

    /// <summary>The value of a built-in variable, or null when <paramref name="name"/> is none of them.</summary>
    public string? BuiltIn(string name) => name switch
    {
        "__rate_interval" => Duration(RateInterval),
        "__rate_interval_ms" => ((long)RateInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "__interval" => Duration(Interval),
        "__interval_ms" => ((long)Interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "__range" => Duration(Range),
        "__range_s" => ((long)Range.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "__range_ms" => ((long)Range.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
