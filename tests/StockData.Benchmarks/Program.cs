using BenchmarkDotNet.Running;
using StockData.Benchmarks;

// dotnet run -c Release --project tests/StockData.Benchmarks -- [BenchmarkDotNet args, e.g. --filter *Parser*]
BenchmarkRunner.Run<ChartParserBenchmarks>(BenchmarkConfig.Create(), args);
