using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StockData.Yahoo.Client;

namespace StockData.Yahoo;

/// <summary>The composition of the Yahoo adapter: options, the typed chart client and the request planner.</summary>
public static class YahooServiceCollectionExtensions
{
    /// <summary>The name of the client's HttpClient (and the key of its cookie container).</summary>
    public const string HttpClientName = "yahoo-chart";

    /// <summary>
    /// Registers <see cref="YahooOptions"/> (section <c>StockData:Yahoo</c>, validated at start-up), the typed
    /// <see cref="IYahooChartClient"/> over a pooled <see cref="SocketsHttpHandler"/>, and <see cref="YahooRequestPlanner"/>.
    /// </summary>
    public static IHostApplicationBuilder AddYahooClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddYahooClient(builder.Configuration);
        return builder;
    }

    /// <inheritdoc cref="AddYahooClient(IHostApplicationBuilder)"/>
    public static IServiceCollection AddYahooClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<YahooOptions>()
            .Bind(configuration.GetSection(YahooOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<YahooOptions>, YahooOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<YahooOptions>, YahooOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<YahooRequestPlanner>();

        // One cookie jar for the process: Yahoo's consent/crumb cookies must outlive any handler the factory recycles.
        services.AddKeyedSingleton(HttpClientName, (_, _) => new CookieContainer());

        services.AddHttpClient<IYahooChartClient, YahooChartClient>(HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<YahooOptions>>().Value;
                // The client enforces its own per-attempt timeout with TimeProvider; HttpClient's 100 s default would race it.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
                http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json,text/plain,*/*");
                http.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", options.AcceptLanguage);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(
                sp.GetRequiredService<IOptions<YahooOptions>>().Value,
                sp.GetRequiredKeyedService<CookieContainer>(HttpClientName)))
            // SocketsHttpHandler recycles its own connections (PooledConnectionLifetime), so the factory never needs to
            // rotate the handler; rotating would only split the connection pool.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }

    internal static SocketsHttpHandler CreateHandler(YahooOptions options, CookieContainer cookies) => new()
    {
        PooledConnectionLifetime = options.PooledConnectionLifetime,
        ConnectTimeout = options.ConnectTimeout,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        UseCookies = true,
        CookieContainer = cookies,
        AllowAutoRedirect = false,
        EnableMultipleHttp2Connections = true,
    };
}
