using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StockData.Ingest;
using StockData.Upstream.Budget;
using StockData.Storage;
using StockData.Upstream;
using StockData.Yahoo;

namespace StockData.Hosting;

/// <summary>
/// The composition both executables share (<c>stockdata</c> and <c>stockdata-bench</c>): one <c>Add…</c> per area. An
/// executable adds its own areas in the hosts it builds (<c>stockdata</c>: data quality, through its verb runner).
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddStockDataPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStockDataStorage();
        builder.AddStockDataRateLimiting();
        builder.Services.AddStockDataSharedSession();
        builder.AddYahooClient();
        builder.AddStockDataCaching();
        builder.AddStockDataIngest();
        // After the Yahoo client and ingest: its counting handler goes innermost, after theirs.
        builder.AddStockDataBudget();
        return builder;
    }
}
