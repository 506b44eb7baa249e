using BenchmarkDotNet.Running;

namespace StockData.Benchmarks.Columns;

/// <summary>The row count of a benchmark case, from its <c>Case</c> parameter.</summary>
internal static class BarMath
{
    public static int Rows(BenchmarkCase benchmarkCase) =>
        BenchmarkBodies.Get((string)benchmarkCase.Parameters[nameof(ChartParserBenchmarks.Case)]).Rows;
}
