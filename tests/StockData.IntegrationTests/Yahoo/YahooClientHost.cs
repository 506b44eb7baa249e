using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockData.Yahoo;
using StockData.Yahoo.Client;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>The product's own Yahoo composition (AddYahooClient, real SocketsHttpHandler) pointed at a simulator.</summary>
internal sealed class YahooClientHost : IDisposable
{
    private readonly ServiceProvider _services;

    public YahooClientHost(Uri baseUrl, Uri? fallback = null, IDictionary<string, string?>? settings = null)
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
        _services = new ServiceCollection().AddLogging().AddYahooClient(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Client = _services.GetRequiredService<IYahooChartClient>();
    }

    public IYahooChartClient Client { get; }

    public void Dispose() => _services.Dispose();
}
