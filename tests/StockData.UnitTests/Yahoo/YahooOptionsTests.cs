using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Yahoo.Session;

namespace StockData.UnitTests.Yahoo;

public sealed class YahooOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new YahooOptions();

        Assert.Equal("StockData:Yahoo", YahooOptions.SectionName);
        Assert.Equal("https://query2.finance.yahoo.com", options.BaseUrl);
        Assert.Equal("https://query1.finance.yahoo.com", options.FallbackBaseUrl);
        Assert.StartsWith("Mozilla/5.0 (", options.UserAgent, StringComparison.Ordinal);
        Assert.Contains("Chrome/", options.UserAgent, StringComparison.Ordinal);
        Assert.Equal(16 * 1024 * 1024, options.MaxResponseBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.PooledConnectionLifetime);
        Assert.Equal("div|split|capitalGains", options.Events);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        var options = Resolve([]);

        Assert.Equal("https://query2.finance.yahoo.com", options.BaseUrl);
    }

    [Fact]
    public void Validate_BadValues_ReportsEveryFailureNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["StockData:Yahoo:BaseUrl"] = "ftp://example.com/x?y=1",
            ["StockData:Yahoo:FallbackBaseUrl"] = "not a url",
            ["StockData:Yahoo:MaxResponseBytes"] = "10",
            ["StockData:Yahoo:AttemptTimeout"] = "00:00:02",
            ["StockData:Yahoo:ConnectTimeout"] = "00:00:05",
            ["StockData:Yahoo:UserAgent"] = "Mozilla\r\nX-Injected: 1",
        }));

        Assert.Contains(ex.Failures, f => f.Contains("StockData:Yahoo:BaseUrl", StringComparison.Ordinal) &&
                                          f.Contains("StockData__Yahoo__BaseUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("StockData:Yahoo:FallbackBaseUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxResponseBytes", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ConnectTimeout", StringComparison.Ordinal) && f.Contains("AttemptTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("UserAgent", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EmptyBaseUrl_SaysHowToSetIt()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["StockData:Yahoo:BaseUrl"] = "" }));

        Assert.Contains(ex.Failures, f => f.Contains("StockData__Yahoo__BaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EmptyFallback_DisablesFailover()
    {
        var options = Resolve(new() { ["StockData:Yahoo:FallbackBaseUrl"] = "", ["StockData:Yahoo:BaseUrl"] = "http://127.0.0.1:5080" });

        Assert.Equal("", options.FallbackBaseUrl ?? "");
        Assert.Equal("http://127.0.0.1:5080", options.BaseUrl);
    }

    [Fact]
    public void AddYahooClient_PrimaryHandler_PooledDecompressingWithoutCookieJar()
    {
        using var services = Services([]);
        var handler = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(YahooServiceCollectionExtensions.HttpClientName);

        var primary = Primary(handler);

        Assert.Equal(TimeSpan.FromMinutes(5), primary.PooledConnectionLifetime);
        Assert.Equal(DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli, primary.AutomaticDecompression);
        Assert.False(primary.UseCookies);
        Assert.False(primary.AllowAutoRedirect);
        var session = Primary(services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(YahooSessionFetcher.HttpClientName));
        Assert.False(session.UseCookies);
        Assert.False(session.AllowAutoRedirect);
        Assert.IsType<InProcessYahooSessionSource>(services.GetRequiredService<IYahooSessionSource>());
        Assert.NotNull(services.GetRequiredService<IYahooChartClient>());
        Assert.NotNull(services.GetRequiredService<YahooRequestPlanner>());
    }

    private static SocketsHttpHandler Primary(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        return Assert.IsType<SocketsHttpHandler>(handler);
    }

    private static YahooOptions Resolve(Dictionary<string, string?> settings)
    {
        using var services = Services(settings);
        return services.GetRequiredService<IOptions<YahooOptions>>().Value;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddYahooClient(configuration).BuildServiceProvider();
    }
}
