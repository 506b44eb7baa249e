using System.Net;
using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// The bars endpoints answer with each symbol's metadata from the in-process LRU: the first request reads PostgreSQL,
/// the next ones do not. Shown by changing the row behind the process's back: a request that went to the database
/// would see the change; one served from memory does not (until the entry's TTL, tested on a fake clock in
/// LruCacheTests).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonBarsMetadataTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private const string Hits = "stockdata_cache_requests_total{cache=\"symbol_metadata\",result=\"hit\"}";
    private const string Misses = "stockdata_cache_requests_total{cache=\"symbol_metadata\",result=\"miss\"}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BarsEndpoint_SecondRequest_ServesMetadataFromMemory_WithoutReadingTheStore()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await harness.MigrateAsync();
        await harness.ExecuteAsync("""
            INSERT INTO symbols (symbol, currency, instrument_type, exchange_name, exchange_timezone)
            VALUES ('AAA', 'USD', 'EQUITY', 'NMS', 'America/New_York'), ('VOD.L', 'GBp', 'EQUITY', 'LSE', 'Europe/London')
            """);
        await using var worker = await harness.StartWorkerAsync("meta", new Dictionary<string, string?>
        {
            ["StockData__Daemon__Enabled"] = "false",
            ["StockData__Quality__Enabled"] = "false",
        });

        var first = await MetadataAsync(worker, "/bars/AAA");
        var afterFirst = (Hits: await worker.MetricAsync(Hits), Misses: await worker.MetricAsync(Misses));
        // Behind the process's back: only a request that reads the store can see this.
        await harness.ExecuteAsync("UPDATE symbols SET currency = 'EUR' WHERE symbol = 'AAA'");
        var second = await MetadataAsync(worker, "/bars/AAA");
        var afterSecond = (Hits: await worker.MetricAsync(Hits), Misses: await worker.MetricAsync(Misses));
        var several = await MetadataAsync(worker, "/bars?symbols=AAA,VOD.L");
        var afterSeveral = (Hits: await worker.MetricAsync(Hits), Misses: await worker.MetricAsync(Misses));

        // The store says EUR by the second request: answering USD means it was not read.
        Assert.Equal(("USD", "EQUITY", "NMS", "America/New_York"), first["AAA"]);
        Assert.Equal("EUR", await harness.ScalarAsync<string>("SELECT currency FROM symbols WHERE symbol = 'AAA'"));
        Assert.Equal("USD", second["AAA"].Currency);
        // One hit (AAA, still the remembered USD) and one miss read from the store (VOD.L, its currency verbatim).
        Assert.Equal("USD", several["AAA"].Currency);
        Assert.Equal(("GBp", "EQUITY", "LSE", "Europe/London"), several["VOD.L"]);
        Assert.Equal((0d, 1d), afterFirst);
        Assert.Equal((1d, 1d), afterSecond);
        Assert.Equal((2d, 2d), afterSeveral);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>Each symbol's metadata fields in a bars response (one symbol or several).</summary>
    private static async Task<Dictionary<string, (string? Currency, string? Type, string? Exchange, string? Zone)>> MetadataAsync(
        WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = document.RootElement;
        var symbols = root.TryGetProperty("symbols", out var list) ? list.EnumerateArray().ToList() : [root];
        return symbols.ToDictionary(s => s.GetProperty("symbol").GetString()!, s => (
            s.GetProperty("currency").GetString(), s.GetProperty("instrument_type").GetString(),
            s.GetProperty("exchange").GetString(), s.GetProperty("timezone").GetString()));
    }
}
