using StockData.YahooSim.Faults;
using StockData.YahooSim.Logging;
using StockData.YahooSim.Stats;

namespace StockData.YahooSim.Chart;

/// <summary>
/// Sends the simulator's own chart path a few requests before it says it listens, then forgets them (statistics,
/// per-symbol counts, the rate limit's bucket).
/// </summary>
/// <remarks>
/// A cold simulator is not a model of Yahoo: its first requests wait in its own JIT (Kestrel, routing, the handler) and
/// then reach the rate limit together. Measured: four requests sent 30 ms apart to a fresh simulator at 40/s burst 2
/// were logged 0.0, 1.0 and 1.1 ms apart and one was answered 429, which Yahoo's always-warm edge would have let
/// through. Every cold-start run of <c>bench limiter</c> had its 429 there. Warm, the limit counts requests as they
/// come.
/// </remarks>
internal static class SimulatorWarmUp
{
    /// <summary>Marks the simulator's own requests: served without the configured faults and latency.</summary>
    public const string Header = "X-YahooSim-WarmUp";

    private const int Concurrent = 8;
    private const int Rounds = 3;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(WebApplication app, string address, CancellationToken cancellationToken)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StockData.YahooSim");
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(Budget);
            using var http = new HttpClient { BaseAddress = Loopback(address), Timeout = Budget };
            http.DefaultRequestHeaders.Add(Header, "1");
            for (var round = 0; round < Rounds; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async i =>
                {
                    // Whatever the answer (a 429 from the bucket, an injected fault): only the path's first run matters.
                    using var response = await http.GetAsync($"/v8/finance/chart/WARMUP{i}?range=5d&interval=1d", budget.Token);
                    await response.Content.LoadIntoBufferAsync(budget.Token);
                }));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or UriFormatException)
        {
            SimLog.WarmUpFailed(logger, ex.Message);
        }
        finally
        {
            // The client has its response a moment before the handler's end logs the arrival: wait for that, or a
            // warm-up arrival would be logged after the reset and open the bench's measured window.
            var stats = app.Services.GetRequiredService<SimStats>();
            for (var waited = 0; stats.InFlight > 0 && waited < 200; waited++)
            {
                await Task.Delay(5, CancellationToken.None);
            }

            stats.Reset();
            app.Services.GetRequiredService<TokenBucket>().Reset();
            app.Services.GetRequiredService<ClientBuckets>().Reset();
        }
    }

    // A wildcard listening address ("http://+:5080", "http://0.0.0.0:5080", "http://[::]:5080") is reached on loopback.
    private static Uri Loopback(string address)
    {
        var normalized = address.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal);
        return new Uri(normalized);
    }
}
