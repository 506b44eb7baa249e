using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StockData.Benchmarks.Columns;

/// <summary>Rows parsed per second on one core: rows in the body divided by the mean time per operation.</summary>
internal sealed class BarsPerSecondColumn : IColumn
{
    public string Id => nameof(BarsPerSecondColumn);

    public string ColumnName => "Bars/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Rows of the body per second (Rows / Mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean is { } meanNs && meanNs > 0
            ? (BarMath.Rows(benchmarkCase) / (meanNs / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "?";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
