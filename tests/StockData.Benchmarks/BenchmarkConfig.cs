using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using StockData.Benchmarks.Columns;

namespace StockData.Benchmarks;

/// <summary>
/// A short job (3 warm-ups, 5 measured iterations, one launch) run in process: the machine has 2 cores shared with other builds, so the point is a side-by-side
/// comparison in one run within minutes, not publication-grade intervals. In process also avoids BenchmarkDotNet
/// generating and building a separate project under this repository's warnings-as-errors settings.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() =>
        ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance).WithId("Short-InProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(new RowsColumn(), new BarsPerSecondColumn(), new BytesPerBarColumn())
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared))
            .WithOptions(ConfigOptions.JoinSummary);
}
