using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StockData.Benchmarks.Columns;

/// <summary>The number of rows (timestamp[] entries) in the case's body: the "bars" the per-bar columns divide by.</summary>
internal sealed class RowsColumn : IColumn
{
    public string Id => nameof(RowsColumn);

    public string ColumnName => "Rows";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Rows in the response body (timestamp[] length)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        BarMath.Rows(benchmarkCase).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
