using System.Text.Json;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Quality;

/// <summary>
/// Replays and <c>quality</c> verbs on one scratch schema, each against the simulator it is given: a first pass
/// against a faulty upstream, a repair against a clean one (same fixed clock, so the same history).
/// </summary>
internal sealed class QualityHarness(PostgresFixture postgres)
{
    /// <summary>A Saturday in the past: no session is open anywhere, and every stored date's session is over.</summary>
    public const string Now = "2026-11-21T12:00:00Z";

    public string Schema { get; } = "q_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The first <paramref name="count"/> New York equities of the demo list (one exchange, enough peers).</summary>
    public static IReadOnlyList<string> UsSymbols(int count) =>
        ReplayHarness.SampleSymbols(500).Where(s => s.All(c => char.IsAsciiLetterUpper(c))).Take(count).ToList();

    public Task<ProcessResult> ReplayAsync(SimulatorProcess simulator, string file, params string[] more) =>
        new ReplayHarness(postgres, simulator, Schema).RunAsync(file, Environment(simulator), more);

    public Task<ProcessResult> CliAsync(SimulatorProcess simulator, IDictionary<string, string?>? extra, params string[] arguments)
    {
        var env = new ReplayHarness(postgres, simulator, Schema).Environment(Environment(simulator));
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        return ProcessRunner.RunStockDataAsync(arguments, env, TimeSpan.FromMinutes(3));
    }

    public async Task<JsonElement> ReportAsync(SimulatorProcess simulator, params string[] filters)
    {
        var result = await CliAsync(simulator, null, ["quality", "report", "--json", .. filters]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.StandardOutput).RootElement;
    }

    /// <summary>Chart requests the simulator has served per symbol (its /sim/stats).</summary>
    public static async Task<Dictionary<string, long>> RequestsPerSymbolAsync(SimulatorProcess simulator) =>
        (await simulator.StatsAsync()).GetProperty("per_symbol").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    public Task<T> ScalarAsync<T>(string sql) => new ReplayHarness(postgres, null!, Schema).ScalarAsync<T>(sql);

    /// <summary>Row count and an md5 over the corporate actions (updated_at excluded).</summary>
    public Task<string> EventsChecksumAsync() => ScalarAsync<string>(
        "SELECT (SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws('|', symbol, ex_date, ts, amount), ',' ORDER BY symbol, ex_date)), '') FROM dividends)" +
        " || '/' || (SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws('|', symbol, ex_date, ts, numerator, denominator), ',' ORDER BY symbol, ex_date)), '') FROM splits)");

    public Task<string> BarsChecksumAsync() => new ReplayHarness(postgres, null!, Schema).BarsChecksumAsync();

    /// <summary>The upstream for verbs without <c>--base-url</c>, and an uncached fetch service: two simulators serve the same keys here.</summary>
    private static Dictionary<string, string?> Environment(SimulatorProcess simulator)
    {
        var url = simulator.BaseUrl.ToString().TrimEnd('/');
        return new Dictionary<string, string?>
        {
            ["StockData__Yahoo__BaseUrl"] = url,
            ["StockData__Yahoo__FallbackBaseUrl"] = url,
            ["StockData__RateLimit__PermitsPerSecond"] = "100000",
            ["StockData__RateLimit__Burst"] = "1000",
            ["StockData__Ingest__FetchConcurrency"] = "8",
            ["StockData__Cache__Enabled"] = "false",
            ["ConnectionStrings__Redis"] = "",
        };
    }
}
