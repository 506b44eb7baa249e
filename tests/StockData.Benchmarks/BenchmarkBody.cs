namespace StockData.Benchmarks;

/// <summary>One benchmarked response: its bytes, its row count (timestamp[] length) and the interval asked for.</summary>
internal sealed record BenchmarkBody(byte[] Bytes, int Rows, string Interval);
