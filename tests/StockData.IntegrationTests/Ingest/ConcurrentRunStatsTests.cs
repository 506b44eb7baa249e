using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.IntegrationTests.Infrastructure;
using StockData.Ingest;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Ingest;

/// <summary>
/// Each run owns its statistics: two pipeline runs at once through one DI container (one fetch service, as the daemon
/// and a <c>/bars?refresh=true</c> share it) count only their own upstream attempts, retries included.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ConcurrentRunStatsTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    [Fact]
    public async Task TwoRunsAtOnce_EachCountsOnlyItsOwnAttempts()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        // Latency keeps both runs in flight together; truncated bodies are retried, so attempts outnumber symbols.
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0",
            "--latency", "00:00:00.020", "--fault-truncate", "0.2", "--fault-seed", "7");
        using var host = new FetchHost(sim.BaseUrl, redis, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.DatabaseConnectionString,
            ["StockData:Storage:Schema"] = "c_" + Guid.NewGuid().ToString("N")[..10],
            ["StockData:Ingest:FetchConcurrency"] = "4",
            ["StockData:Fetch:RetryBaseDelay"] = "00:00:00.010",
        });
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        var pipeline = host.Services.GetRequiredService<IngestPipeline>();

        var symbols = ReplayHarness.SampleSymbols(50);
        var first = symbols.Take(30).ToList();
        var second = symbols.Skip(30).ToList();
        var from = DateTimeOffset.Parse(ReplayHarness.Now, System.Globalization.CultureInfo.InvariantCulture).AddYears(-2);
        var firstStats = new IngestStats();
        var secondStats = new IngestStats();
        await Task.WhenAll(
            pipeline.RunAsync(Requests(first, from), firstStats, null, ct, ct),
            pipeline.RunAsync(Requests(second, from), secondStats, null, ct, ct));

        var served = (await sim.StatsAsync(ct)).GetProperty("per_symbol");
        var firstServed = Served(served, first);
        var secondServed = Served(served, second);
        Assert.True(firstServed > first.Count || secondServed > second.Count, "no attempt was retried: the test proves less than it says");
        Assert.Equal(first.Count, firstStats.SymbolsDone);
        Assert.Equal(second.Count, secondStats.SymbolsDone);
        Assert.Equal(firstServed, firstStats.Requests);
        Assert.Equal(secondServed, secondStats.Requests);
    }

    private static IAsyncEnumerable<SymbolRequest> Requests(IEnumerable<string> symbols, DateTimeOffset from) =>
        symbols.Select(s => new SymbolRequest(s, BarInterval.Daily, from)).ToAsyncEnumerable();

    private static long Served(JsonElement perSymbol, IEnumerable<string> symbols) =>
        symbols.Sum(s => perSymbol.TryGetProperty(s, out var n) ? n.GetInt64() : 0);
}
