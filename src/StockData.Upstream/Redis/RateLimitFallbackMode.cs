namespace StockData.Upstream.Redis;

/// <summary>What the shared rate limiter does while Redis cannot be reached.</summary>
public enum RateLimitFallbackMode
{
    /// <summary>Go on with an in-process token bucket at <c>PermitsPerSecond ÷ Replicas</c>: slower, never stopped.</summary>
    Local = 0,

    /// <summary>Refuse every acquisition (with a retry-after until the next Redis probe): nothing is sent until Redis is back.</summary>
    Pause = 1,
}
