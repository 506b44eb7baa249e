using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StockData.Yahoo.Client;
using StockData.Yahoo.Egress;
using StockData.Yahoo.Session;

namespace StockData.Yahoo;

/// <summary>The composition of the Yahoo adapter: options, the session, the typed chart client and the request planner.</summary>
public static class YahooServiceCollectionExtensions
{
    /// <summary>The name of the chart client's HttpClient.</summary>
    public const string HttpClientName = "yahoo-chart";

    /// <summary>
    /// Registers <see cref="YahooOptions"/> (section <c>StockData:Yahoo</c>, validated at start-up), the typed
    /// <see cref="IYahooChartClient"/> over a pooled <see cref="SocketsHttpHandler"/>, the session
    /// (<see cref="YahooSessionFetcher"/> and an in-process <see cref="IYahooSessionSource"/>, which a shared source
    /// registered first replaces), and <see cref="YahooRequestPlanner"/>.
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

        services.TryAddSingleton<YahooSessionFetcher>();
        services.TryAddSingleton<IYahooSessionSource, InProcessYahooSessionSource>();
        services.AddHttpClient(YahooSessionFetcher.HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<YahooOptions>>().Value;
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
                http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,text/plain,*/*;q=0.8");
                http.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", options.AcceptLanguage);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => EgressHandler(sp, YahooSessionFetcher.CreateHandler))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddHttpClient<IYahooChartClient, YahooChartClient>(HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<YahooOptions>>().Value;
                // The client enforces its own per-attempt timeout with TimeProvider; HttpClient's 100 s default would race it.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
                http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json,text/plain,*/*");
                http.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", options.AcceptLanguage);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => EgressHandler(sp, options => CreateChartHandler(options, sp.GetService<ISendGate>())))
            // SocketsHttpHandler recycles its own connections (PooledConnectionLifetime), so the factory never needs to
            // rotate the handler; rotating would only split the connection pool.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>One pooled handler per egress (with its proxy), picked per request by <see cref="EgressScope"/>.</summary>
    private static EgressHttpHandler EgressHandler(IServiceProvider sp, Func<YahooOptions, SocketsHttpHandler> create)
    {
        var options = sp.GetRequiredService<IOptions<YahooOptions>>().Value;
        return new EgressHttpHandler(YahooEgress.From(options), () => create(options));
    }

    /// <summary>
    /// A chart connection pool. With a <paramref name="gate"/> (the fetch layer registers one), every connection asks it
    /// before each write: the last check of a request's rate-limiter slot, made after the connection is open.
    /// </summary>
    internal static SocketsHttpHandler CreateChartHandler(YahooOptions options, ISendGate? gate)
    {
        var handler = CreateHandler(options);
        if (gate is not null)
        {
            handler.ConnectCallback = (context, ct) => ConnectGatedAsync(context, gate, ct);
        }

        return handler;
    }

    /// <summary>What SocketsHttpHandler does without a callback (a dual-mode TCP socket, no Nagle), plus the gate.</summary>
    private static async ValueTask<Stream> ConnectGatedAsync(SocketsHttpConnectionContext context, ISendGate gate, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new GatedStream(new NetworkStream(socket, ownsSocket: true), gate);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static SocketsHttpHandler CreateHandler(YahooOptions options) => new()
    {
        PooledConnectionLifetime = options.PooledConnectionLifetime,
        ConnectTimeout = options.ConnectTimeout,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        // The session's cookies go in a header the client sets itself (YahooSession.CookieHeader): a jar would match
        // Domain=.yahoo.com against the host and drop them offline, and would not be shared with other processes.
        UseCookies = false,
        AllowAutoRedirect = false,
        EnableMultipleHttp2Connections = true,
    };
}
