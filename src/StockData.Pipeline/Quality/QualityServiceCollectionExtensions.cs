using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Quality;

/// <summary>Registers data quality: its options everywhere (the <c>quality</c> verbs read them), the periodic scan in the daemon.</summary>
internal static class QualityServiceCollectionExtensions
{
    /// <summary>Options and the repair runner; added to every host <c>stockdata</c> builds (Cli/StockDataVerb.cs and the run verb), so every verb validates them.</summary>
    public static IHostApplicationBuilder AddStockDataQuality(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<QualityOptions>().Bind(builder.Configuration.GetSection(QualityOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QualityOptions>, QualityOptionsAttributeValidator>();
        services.AddSingleton<RepairRunner>();
        return builder;
    }

    /// <summary>The daemon's periodic scan and the quality gauges (<c>stockdata run</c>).</summary>
    public static IHostApplicationBuilder AddStockDataQualityMonitor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<QualityMonitor>();
        return builder;
    }
}
