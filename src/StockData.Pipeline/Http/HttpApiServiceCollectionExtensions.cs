using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using StockData.Pipeline.Http.OpenApi;

namespace StockData.Pipeline.Http;

/// <summary>The worker's HTTP surface: options, the refresh single-flight, and the endpoint map.</summary>
internal static class HttpApiServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddStockDataHttpApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HttpApiOptions>().Bind(builder.Configuration.GetSection(HttpApiOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpApiOptions>, HttpApiOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<HttpApiOptions>, HttpApiOptionsValidator>();
        services.AddSingleton<ApiKeyFilter>();
        services.AddSingleton<BarReadGate>();
        services.AddSingleton<BarRefresher>();
        services.AddProblemDetails();
        services.AddStockDataOpenApi();
        services.AddStockDataHealthChecks();
        services.AddHostedService<ReplicaLagSampler>();
        // A probe's answer is the report itself; the outages it shows are logged once by the parts that meet them
        // (limiter fallback, writer retries), not again at each probe every few seconds.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> and <c>/openapi/v1.json</c> open (scrapers and probes carry no key;
    /// the OpenAPI document holds no data, see <see cref="OpenApiSetup"/>); the jobs, bars and symbols endpoints behind
    /// the API key filter.
    /// </summary>
    public static IEndpointRouteBuilder MapStockDataApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMetrics();
        endpoints.MapHealth();
        endpoints.MapStockDataOpenApi();
        var api = endpoints.MapGroup("");
        api.AddEndpointFilter<ApiKeyFilter>();
        api.WithMetadata(ApiKeyRequired.Instance);
        api.MapJobs();
        api.MapBars();
        api.MapSymbols();
        api.MapEvents();
        return endpoints;
    }
}
