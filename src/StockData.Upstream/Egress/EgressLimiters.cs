using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Upstream.Redis;
using StockData.Yahoo;
using StockData.Yahoo.Egress;

namespace StockData.Upstream.Egress;

/// <summary>
/// The rate limit of every configured egress (<c>StockData:Yahoo:Egress</c>), each at <c>StockData:RateLimit</c>'s rate
/// in its own Redis scope <c>{upstream@id}</c>: Yahoo limits each client address on its own, so each egress gets the
/// whole allowance. Without a configured list, the one direct egress keeps the single-egress scope (<c>{upstream}</c>,
/// or <c>{upstream@EgressId}</c>), so its keys are the ones a service without a pool always used.
/// </summary>
public sealed class EgressLimiters
{
    private readonly Dictionary<string, EgressLimiter> _byId;

    public EgressLimiters(RedisConnectionProvider redis, IOptions<RateLimitOptions> rateLimit, IOptions<YahooOptions> yahoo, TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger<RedisTokenBucketRateLimiter>();
        var options = rateLimit.Value;
        All = YahooEgress.From(yahoo.Value).Select(egress =>
        {
            var scoped = egress.Configured ? options.ForEgress(egress.Id) : options;
            var backend = new RedisRateLimitBackend(redis.IsConfigured ? async ct => await redis.GetAsync(ct) : null, scoped, timeProvider, logger);
            var cooldown = new RedisCooldownStore(backend);
            return new EgressLimiter(egress, backend, cooldown, new RedisTokenBucketRateLimiter(cooldown));
        }).ToList();
        _byId = All.ToDictionary(l => l.Egress.Id, StringComparer.Ordinal);
    }

    /// <summary>Every egress's limiter, in configuration order (the first is the default egress).</summary>
    public IReadOnlyList<EgressLimiter> All { get; }

    /// <summary>The limiter of the egress this flow sends through (<see cref="EgressScope"/>), or the first.</summary>
    public EgressLimiter Current => EgressScope.Current is { } id && _byId.TryGetValue(id, out var limiter) ? limiter : All[0];
}
