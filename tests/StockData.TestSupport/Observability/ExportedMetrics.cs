using System.Text.RegularExpressions;

namespace StockData.TestSupport.Observability;

/// <summary>
/// The metric families <c>src/StockData.Diagnostics/PipelineMetrics.cs</c> creates, read from its source
/// text: that file is the one place names are spelled (docs/development.md §7), so the dashboard and alert checks compare
/// against exactly what it says, including families no code path has recorded yet.
/// </summary>
public static partial class ExportedMetrics
{
    /// <summary>The file every <c>stockdata_</c> metric name is defined in.</summary>
    public static string SourceFile =>
        Path.Combine(RepoPaths.Root, "src", "StockData.Diagnostics", "PipelineMetrics.cs");

    /// <summary>Families created with <c>Metrics.Create…("name"</c> in <paramref name="source"/>, by name.</summary>
    public static IReadOnlyDictionary<string, MetricKind> ParseFamilies(string source)
    {
        var families = new Dictionary<string, MetricKind>(StringComparer.Ordinal);
        foreach (Match match in CreateCall().Matches(source))
        {
            var name = match.Groups["name"].Value;
            var kind = Enum.Parse<MetricKind>(match.Groups["kind"].Value);
            if (!families.TryAdd(name, kind))
            {
                throw new InvalidOperationException($"Metric family '{name}' is created twice.");
            }
        }

        return families;
    }

    /// <summary>The families of <see cref="SourceFile"/>.</summary>
    public static IReadOnlyDictionary<string, MetricKind> LoadFamilies() => ParseFamilies(File.ReadAllText(SourceFile));

    /// <summary>
    /// The series names Prometheus stores for the families: a histogram exists only as <c>_bucket</c>, <c>_sum</c> and
    /// <c>_count</c> (its bare name is no series), a summary as itself (the quantiles) plus <c>_sum</c> and <c>_count</c>.
    /// </summary>
    public static IReadOnlySet<string> SeriesNames(IReadOnlyDictionary<string, MetricKind> families)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, kind) in families)
        {
            switch (kind)
            {
                case MetricKind.Histogram:
                    names.Add(name + "_bucket");
                    names.Add(name + "_sum");
                    names.Add(name + "_count");
                    break;
                case MetricKind.Summary:
                    names.Add(name);
                    names.Add(name + "_sum");
                    names.Add(name + "_count");
                    break;
                default:
                    names.Add(name);
                    break;
            }
        }

        return names;
    }

    [GeneratedRegex(@"Metrics\s*\.\s*Create(?<kind>Counter|Gauge|Histogram|Summary)\s*\(\s*""(?<name>[^""]+)""")]
    private static partial Regex CreateCall();
}
