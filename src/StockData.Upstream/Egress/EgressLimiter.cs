using StockData.Upstream.Redis;
using StockData.Yahoo.Egress;

namespace StockData.Upstream.Egress;

/// <summary>One egress's rate limit: its Redis scope, 429 cooldown and token bucket (shared by the fleet).</summary>
public sealed record EgressLimiter(YahooEgress Egress, RedisRateLimitBackend Backend, RedisCooldownStore Cooldown, RedisTokenBucketRateLimiter Limiter)
{
    /// <summary>The limiter scope (<c>yahoo</c>, or <c>yahoo@id</c>): the metrics' <c>egress</c> label, as the session's.</summary>
    public string Scope => Backend.Keys.Scope;
}
