using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StockData.Storage;
using StockData.Upstream.Egress;
using StockData.Upstream.Redis;
using StockData.Upstream.Fetching;
using StockData.Upstream.Session;
using StockData.Yahoo;
using StockData.Yahoo.Session;

namespace StockData.Upstream;

/// <summary>The composition file of the upstream gate: the one Redis multiplexer and the shared rate limit.</summary>
public static class UpstreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one Redis connection (<see cref="RedisConnectionProvider"/>; the connection string is
    /// <c>ConnectionStrings:Redis</c> of the storage options, validated at start-up). Call after
    /// <see cref="StorageServiceCollectionExtensions.AddStockDataStorage(IServiceCollection, IConfiguration)"/>.
    /// </summary>
    public static IServiceCollection AddStockDataRedis(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, RedisConnectionStringValidator>());
        services.TryAddSingleton<RedisConnectionProvider>();
        return services;
    }

    /// <summary>
    /// Registers the shared upstream rate limit (section <c>StockData:RateLimit</c>, validated at start-up): one
    /// <see cref="RedisTokenBucketRateLimiter"/>, also as <see cref="RateLimiter"/>, and its <see cref="RedisCooldownStore"/>.
    /// Call after <see cref="StorageServiceCollectionExtensions.AddStockDataStorage(IHostApplicationBuilder)"/> (it uses the one Redis multiplexer); without a
    /// Redis connection string the limiter is an in-process bucket at this replica's share.
    /// </summary>
    public static IHostApplicationBuilder AddStockDataRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddStockDataRateLimiting(builder.Configuration);
        return builder;
    }

    /// <inheritdoc cref="AddStockDataRateLimiting(IHostApplicationBuilder)"/>
    public static IServiceCollection AddStockDataRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStockDataRedis();
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        // One limiter per egress of StockData:Yahoo:Egress (one direct egress when unset); the first is the one the
        // single-limiter consumers below see (the service's default egress).
        services.TryAddSingleton<EgressLimiters>();
        services.AddSingleton(sp => sp.GetRequiredService<EgressLimiters>().All[0].Backend);
        services.AddSingleton(sp => sp.GetRequiredService<EgressLimiters>().All[0].Cooldown);
        services.AddSingleton(sp => sp.GetRequiredService<EgressLimiters>().All[0].Limiter);
        services.AddSingleton<RateLimiter>(sp => sp.GetRequiredService<RedisTokenBucketRateLimiter>());
        return services;
    }

    /// <summary>
    /// Registers the egress's Yahoo session shared by the fleet (<see cref="RedisYahooSessionSource"/>; in process when
    /// no Redis is configured), the fleet's <see cref="AuthCooldown"/>, and the gate that makes session requests spend the
    /// egress's tokens. Call after <see cref="AddStockDataRateLimiting(IServiceCollection, IConfiguration)"/> and before
    /// the Yahoo client's registration, whose in-process default this replaces.
    /// </summary>
    public static IServiceCollection AddStockDataSharedSession(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var fetch = sp.GetRequiredService<IOptions<FetchOptions>>().Value;
            return new AuthCooldownSettings(fetch.AuthFailureThreshold, fetch.AuthCooldown);
        });
        services.TryAddSingleton<EgressPool>();
        services.TryAddSingleton(sp => sp.GetRequiredService<EgressPool>().Lanes[0].AuthCooldown);
        services.TryAddSingleton(sp => sp.GetRequiredService<EgressPool>().Lanes[0].LocalSession);
        services.TryAddSingleton(sp => sp.GetRequiredService<EgressPool>().Lanes[0].Session);
        // The chart client asks the session of the egress its attempt goes through.
        services.TryAddSingleton<IYahooSessionSource, EgressSessionSource>();
        services.TryAddSingleton<IYahooSessionRequestGate, SessionRequestGate>();
        services.AddSingleton<IValidateOptions<YahooOptions>, EgressConfigurationValidator>();
        return services;
    }
}
