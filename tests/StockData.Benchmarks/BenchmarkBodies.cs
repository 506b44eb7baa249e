using System.Collections.Concurrent;
using StockData.TestSupport;

namespace StockData.Benchmarks;

/// <summary>
/// The bodies benchmarked, by name: recorded fixtures (<see cref="RepoPaths.YahooFixtures"/>) and a synthetic 10-year
/// daily response. The columns run in the host process, so everything here is deterministic and loadable twice.
/// </summary>
internal static class BenchmarkBodies
{
    public const string Synthetic10YearDaily = "synthetic-10y-1d";

    private static readonly ConcurrentDictionary<string, BenchmarkBody> Cache = new(StringComparer.Ordinal);

    /// <summary>Fixtures with rows (the error and empty ones parse in nanoseconds and have no bars to count).</summary>
    public static IEnumerable<string> Names =>
    [
        Synthetic10YearDaily,
        "msft-1d-2021-02_2022-01-dividends.json",
        "aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json",
        "vfinx-3mo-range-max-since-1985-mutualfund.json",
        "tsla-30m-2021-11-22-prepost.json",
        "ocdo-l-1d-2020-01-02-gbp-pence.json",
    ];

    public static BenchmarkBody Get(string name) => Cache.GetOrAdd(name, Load);

    private static BenchmarkBody Load(string name)
    {
        if (name == Synthetic10YearDaily)
        {
            var (bytes, rows) = SyntheticChart.TenYearDaily();
            return new BenchmarkBody(bytes, rows, "1d");
        }

        var body = File.ReadAllBytes(Path.Combine(RepoPaths.YahooFixtures, name));
        var interval = name.Split('-').FirstOrDefault(part => part is "1d" or "1m" or "30m" or "3mo") ?? "1d";
        return new BenchmarkBody(body, CountRows(body), interval);
    }

    private static int CountRows(byte[] body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var result = document.RootElement.GetProperty("chart").GetProperty("result")[0];
        return result.TryGetProperty("timestamp", out var timestamps) ? timestamps.GetArrayLength() : 0;
    }
}
