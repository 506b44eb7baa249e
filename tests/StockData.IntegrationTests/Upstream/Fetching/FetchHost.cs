using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockData.Hosting;
using StockData.Upstream.Fetching;
using StockData.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>
/// The product's whole composition (AddStockDataPipeline) in the test process, pointed at a simulator and, when given,
/// the fixture's Redis under keys of this host's own (a fresh upstream scope and cache prefix).
/// </summary>
internal sealed class FetchHost : IDisposable
{
    private readonly IHost _host;

    public FetchHost(Uri baseUrl, RedisFixture? redis, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var scope = Guid.NewGuid().ToString("N")[..10];
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1",
            ["ConnectionStrings:Redis"] = redis?.ConnectionString,
            ["StockData:Yahoo:BaseUrl"] = baseUrl.ToString(),
            ["StockData:Yahoo:FallbackBaseUrl"] = baseUrl.ToString(),
            ["StockData:RateLimit:KeyPrefix"] = (redis?.KeyPrefix ?? "t:") + "rl:",
            ["StockData:RateLimit:Upstream"] = "u" + scope,
            ["StockData:RateLimit:PermitsPerSecond"] = "1000",
            ["StockData:RateLimit:Burst"] = "100",
            ["StockData:Cache:KeyPrefix"] = (redis?.KeyPrefix ?? "t:") + "cache:" + scope + ":",
            ["StockData:Fetch:RetryBaseDelay"] = "00:00:00.050",
            ["StockData:Fetch:RetryMaxDelay"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.AddProvider(Logs);
        builder.AddStockDataPipeline();
        // After the product's registrations: a test's handlers on the chart client sit innermost.
        configure?.Invoke(builder.Services);
        _host = builder.Build();
        Fetch = _host.Services.GetRequiredService<ChartFetchService>();
    }

    public ListLoggerProvider Logs { get; } = new();

    public ChartFetchService Fetch { get; }

    public IServiceProvider Services => _host.Services;

    public RedisCooldownStore Cooldown => _host.Services.GetRequiredService<RedisCooldownStore>();

    public void Dispose() => _host.Dispose();
}
