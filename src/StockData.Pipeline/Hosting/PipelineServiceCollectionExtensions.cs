using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StockData.Pipeline.Budget;
using StockData.Pipeline.Caching;
using StockData.Pipeline.Ingest;
using StockData.Pipeline.Quality;
using StockData.Storage;
using StockData.Yahoo;

namespace StockData.Pipeline.Hosting;

/// <summary>The composition root: one <c>Add…</c> per area.</summary>
internal static class PipelineServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddStockDataPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStockDataStorage();
        builder.AddStockDataRateLimiting();
        builder.AddYahooClient();
        builder.AddStockDataCaching();
        builder.AddStockDataIngest();
        builder.AddStockDataQuality();
        builder.AddStockDataBudget();
        return builder;
    }
}
