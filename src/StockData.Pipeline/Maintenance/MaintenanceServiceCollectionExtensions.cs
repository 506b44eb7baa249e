using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StockData.Pipeline.Maintenance;

/// <summary>Registers partition maintenance (the storage registration holds its options and SQL).</summary>
internal static class MaintenanceServiceCollectionExtensions
{
    /// <summary>The run itself, for the <c>migrate</c> and <c>retention</c> verbs and the daemon.</summary>
    public static IServiceCollection AddStockDataPartitionMaintenance(this IServiceCollection services)
    {
        services.TryAddSingleton<PartitionMaintenance>();
        return services;
    }

    /// <summary>The daemon's periodic run.</summary>
    public static IServiceCollection AddStockDataPartitionMaintenanceService(this IServiceCollection services)
    {
        services.AddStockDataPartitionMaintenance();
        services.AddHostedService<PartitionMaintenanceService>();
        return services;
    }
}
