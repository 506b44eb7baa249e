using System.Collections.Concurrent;
using StockData.TestSupport;

namespace StockData.Benchmarks;

/// <summary>
/// The bodies benchmarked, by name: every recorded fixture with bars (<see cref="RepoPaths.YahooFixtures"/>) and the
/// simulator's 10-year daily response (<see cref="SimulatorChart"/>). The columns run in the host process, so
/// everything here is deterministic and loadable twice.
/// </summary>
internal static class BenchmarkBodies
{
    public const string Simulator10YearDaily = "sim-aapl-10y-1d";

    private static readonly ConcurrentDictionary<string, BenchmarkBody> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Short case names (they head the summary table) for every fixture with rows. Left out: the 404 and 400 error
    /// bodies and the empty ^VXAPL body, which have no bars to divide by.
    /// </summary>
    private static readonly Dictionary<string, (string File, string Interval)> Fixtures = new(StringComparer.Ordinal)
    {
        ["msft-1d-1y"] = ("msft-1d-2021-02_2022-01-dividends.json", "1d"),
        ["aapl-1d-6mo-live"] = ("aapl-1d-range-6mo-trailing-live-bar.json", "1d"),
        ["aapl-1d-split"] = ("aapl-1d-2020-08-31_2020-11-06-split-4to1-dividend.json", "1d"),
        ["aapl-1m-1day"] = ("aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json", "1m"),
        ["vfinx-3mo-max"] = ("vfinx-3mo-range-max-since-1985-mutualfund.json", "3mo"),
        ["tsla-30m-prepost"] = ("tsla-30m-2021-11-22-prepost.json", "30m"),
        ["btc-usd-1d-3bars"] = ("btc-usd-1d-2020-01-01_03-crypto-utc.json", "1d"),
        ["eurusd-1d-3bars"] = ("eurusd-x-1d-2020-01-01_03-currency.json", "1d"),
        ["ocdo-1d-1bar"] = ("ocdo-l-1d-2020-01-02-gbp-pence.json", "1d"),
    };

    public static IEnumerable<string> Names => [Simulator10YearDaily, .. Fixtures.Keys];

    public static BenchmarkBody Get(string name) => Cache.GetOrAdd(name, Load);

    private static BenchmarkBody Load(string name)
    {
        if (name == Simulator10YearDaily)
        {
            var bytes = SimulatorChart.TenYearDaily();
            return new BenchmarkBody(bytes, CountRows(bytes), "1d");
        }

        var (file, interval) = Fixtures[name];
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.YahooFixtures, file));
        return new BenchmarkBody(body, CountRows(body), interval);
    }

    private static int CountRows(byte[] body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var result = document.RootElement.GetProperty("chart").GetProperty("result")[0];
        return result.TryGetProperty("timestamp", out var timestamps) ? timestamps.GetArrayLength() : 0;
    }
}
