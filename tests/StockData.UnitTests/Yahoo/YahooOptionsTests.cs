using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Yahoo.Egress;
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

    [Fact]
    public void AddYahooClient_EgressPool_OneHandlerPerEgress_ProxiedOnesUseTheirProxy()
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["StockData:Yahoo:Egress:0:Id"] = "home",
            ["StockData:Yahoo:Egress:1:Id"] = "dc-1",
            ["StockData:Yahoo:Egress:1:Proxy"] = "http://10.0.0.5:8888",
        });
        var handler = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(YahooServiceCollectionExtensions.HttpClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        var pool = Assert.IsType<EgressHttpHandler>(handler);
        var direct = pool.HandlerFor("home");
        var proxied = pool.HandlerFor("dc-1");

        Assert.NotSame(direct, proxied);
        Assert.Null(direct.Proxy);
        Assert.True(proxied.UseProxy);
        var target = new Uri("http://127.0.0.1:5000/v8/finance/chart/AAPL");
        // Loopback targets too: offline the simulator is on 127.0.0.1 and the proxy is what gives the egress its address.
        Assert.False(proxied.Proxy!.IsBypassed(target));
        Assert.Equal(new Uri("http://10.0.0.5:8888"), proxied.Proxy.GetProxy(target));
        Assert.Same(direct, pool.HandlerFor());
    }

    [Fact]
    public void Validate_EgressPool_BadIdsDuplicatesAndProxies_EachNamed()
    {
        var errors = YahooOptionsValidator.CheckEgresses(
        [
            new YahooEgressOptions { Id = "a" },
            new YahooEgressOptions { Id = "a", Proxy = "http://10.0.0.5:8888" },
            new YahooEgressOptions { Id = "{b}" },
            new YahooEgressOptions { Id = "c", Proxy = "socks5://10.0.0.6:1080" },
            new YahooEgressOptions { Id = "d", Proxy = "10.0.0.7:8888" },
            new YahooEgressOptions { Id = "e", Proxy = "http://10.0.0.8:8888/path" },
            new YahooEgressOptions { Id = "" },
        ]).ToList();

        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("StockData:Yahoo:Egress:1:Id 'a' is used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StockData:Yahoo:Egress:2:Id '{b}' must be 1-64 characters", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StockData:Yahoo:Egress:3:Proxy 'socks5://10.0.0.6:1080' must be an absolute http URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StockData:Yahoo:Egress:4:Proxy", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StockData:Yahoo:Egress:5:Proxy", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StockData:Yahoo:Egress:6:Id ''", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Contains("StockData__Yahoo__Egress__N__Id", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EgressPool_ValidList_PassesAndResolvesInOrder()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["StockData:Yahoo:Egress:0:Id"] = "home",
            ["StockData:Yahoo:Egress:1:Id"] = "dc-1.eu:a",
            ["StockData:Yahoo:Egress:1:Proxy"] = "http://127.0.0.1:8888",
        });

        var egresses = YahooEgress.From(options);

        Assert.Equal(["home", "dc-1.eu:a"], egresses.Select(e => e.Id));
        Assert.Null(egresses[0].Proxy);
        Assert.Equal(new Uri("http://127.0.0.1:8888"), egresses[1].Proxy);
        Assert.All(egresses, e => Assert.True(e.Configured));
        Assert.Equal(["direct", "via http://127.0.0.1:8888"], egresses.Select(e => e.Route));
    }

    [Fact]
    public void Egress_Unset_IsOneDirectEgressKeyedAsBefore()
    {
        var egress = Assert.Single(YahooEgress.From(new YahooOptions()));

        Assert.Equal(YahooEgress.DefaultId, egress.Id);
        Assert.Null(egress.Proxy);
        Assert.False(egress.Configured);
    }

    [Fact]
    public void Validate_EgressPool_DuplicateId_FailsAtStartUp()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["StockData:Yahoo:Egress:0:Id"] = "x",
            ["StockData:Yahoo:Egress:1:Id"] = "x",
        }));

        Assert.Contains("StockData:Yahoo:Egress:1:Id 'x' is used twice", failure.Message, StringComparison.Ordinal);
    }

    private static SocketsHttpHandler Primary(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        return Assert.IsType<EgressHttpHandler>(handler).HandlerFor();
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
