using Microsoft.Extensions.Options;
using StockData.YahooSim.Chart;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Market;

namespace StockData.Benchmarks;

/// <summary>
/// A genuine simulator response, built in process by the simulator's own <see cref="ChartBuilder"/> with its default
/// options and a fixed clock: the same bytes as
/// <c>YahooSim --now 2025-10-29T20:30:00Z</c> serves for <c>GET /v8/finance/chart/AAPL?range=10y&amp;interval=1d&amp;events=div|split|capitalGains</c>
/// (default null rows, today's bar stamped 20:00:01Z). In process rather than over HTTP so the benchmark needs no
/// running simulator and the body cannot depend on which process answered.
/// </summary>
internal static class SimulatorChart
{
    public const string Symbol = "AAPL";

    private static readonly DateTimeOffset Now = new(2025, 10, 29, 20, 30, 0, TimeSpan.Zero);

    public static byte[] TenYearDaily()
    {
        var options = Options.Create(new SimulatorOptions { Now = Now });
        var builder = new ChartBuilder(new HistoryCache(options), new FaultInjector(options), options);
        var query = new ChartQuery(Symbol, "1d", Period1: null, Period2: null, Range: "10y",
            Dividends: true, Splits: true, CapitalGains: true, IncludePrePost: false);
        var body = builder.Build(query, Now, new RequestDraw(1));
        return body.Status == 200
            ? body.Bytes
            : throw new InvalidOperationException($"The simulator answered {body.Status} for the 10-year {Symbol} body.");
    }
}
