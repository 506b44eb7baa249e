using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StockData.Upstream.Fetching;
using StockData.Storage.Postgres;
using StockData.Yahoo;

namespace StockData.Ingest;

/// <summary>Registers the fetch service and the ingest graph with their options (validated at start-up).</summary>
public static class IngestServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddStockDataIngest(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection(IngestOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        services.AddOptions<FetchOptions>().Bind(builder.Configuration.GetSection(FetchOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FetchOptions>, FetchOptionsValidator>();
        services.AddSingleton<IValidateOptions<FetchOptions>, FetchOptionsCrossValidator>();

        services.AddSingleton<ResilienceMetrics>();
        services.AddSingleton<ChartFetchService>();
        services.AddSingleton<SendSlot>();
        services.AddSingleton<SlotKeeper>();
        // The chart connections' last check before a request's first byte (the Yahoo client finds it by this interface).
        services.AddSingleton<StockData.Yahoo.Egress.ISendGate>(sp => sp.GetRequiredService<SlotKeeper>());
        services.AddTransient<LateSendGuard>();
        // Innermost of the Yahoo client's own handlers: the check before a connection is taken (see LateSendGuard).
        services.AddHttpClient(YahooServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler<LateSendGuard>();
        services.AddSingleton<SymbolStateReader>();
        services.AddSingleton<RejectRecorder>();
        services.AddSingleton<FetchPlanner>();
        services.AddSingleton<IngestPipeline>();
        return builder;
    }
}
