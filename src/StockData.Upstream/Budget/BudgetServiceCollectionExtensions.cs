using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StockData.Yahoo;

namespace StockData.Upstream.Budget;

/// <summary>Registers the request budget: the per-purpose counter, its HTTP handler on the Yahoo client, the daemon's flusher.</summary>
public static class BudgetServiceCollectionExtensions
{
    /// <summary>Call after the Yahoo client and ingest are registered: the counting handler goes innermost, after theirs.</summary>
    public static IHostApplicationBuilder AddStockDataBudget(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<UpstreamRequestCounter>();
        services.AddTransient<RequestCountingHandler>();
        services.AddHttpClient(YahooServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler<RequestCountingHandler>();
        // Only a started host (stockdata run) runs it; a CLI verb's counts are written when its host is disposed.
        services.AddHostedService<RequestLedgerFlusher>();
        return builder;
    }
}
