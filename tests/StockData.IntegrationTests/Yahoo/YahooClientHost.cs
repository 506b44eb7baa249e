using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Yahoo.Session;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>The product's own Yahoo composition (AddYahooClient, real SocketsHttpHandler) pointed at a simulator.</summary>
internal sealed class YahooClientHost : IDisposable
{
    private readonly ServiceProvider _services;

    public YahooClientHost(Uri baseUrl, Uri? fallback = null, IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null,
        TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["StockData:Yahoo:BaseUrl"] = baseUrl.ToString(),
            ["StockData:Yahoo:FallbackBaseUrl"] = fallback?.ToString() ?? "",
            ["StockData:Yahoo:AttemptTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        _services = services
            .AddLogging(logging =>
            {
                if (logs is not null)
                {
                    logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
                }
            })
            .AddYahooClient(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Client = _services.GetRequiredService<IYahooChartClient>();
        Sessions = _services.GetRequiredService<IYahooSessionSource>();
    }

    public IYahooChartClient Client { get; }

    /// <summary>The session source the client asks (in-process unless a test registers another).</summary>
    public IYahooSessionSource Sessions { get; }

    public void Dispose() => _services.Dispose();
}
