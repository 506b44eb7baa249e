using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Storage.Postgres;

namespace StockData.Pipeline.Daemon;

/// <summary>Registers the daemon (<c>stockdata run</c>): its options, the schedule policy, the claim loop and the store gauges.</summary>
internal static class DaemonServiceCollectionExtensions
{
    /// <summary>
    /// Call after <c>AddStockDataPipeline</c>. Also switches the planner's watermark reads to one row per fetch: a
    /// long-lived process must not plan from the watermarks it cached at its first fetch.
    /// </summary>
    public static IHostApplicationBuilder AddStockDataDaemon(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DaemonOptions>().Bind(builder.Configuration.GetSection(DaemonOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DaemonOptions>, DaemonOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<DaemonOptions>, DaemonOptionsValidator>();
        services.Replace(ServiceDescriptor.Singleton(sp => new SymbolStateReader(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<SchemaSql>()) { ReadsEachTime = true }));

        services.AddSingleton<RefreshSchedule>();
        services.AddSingleton<LeaseBook>();
        services.AddSingleton<DaemonState>();
        services.AddSingleton<WorkClaimer>();
        services.AddHostedService<DaemonWorker>();
        services.AddHostedService<StoreMetricsSampler>();
        return builder;
    }
}
