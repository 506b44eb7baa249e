using Microsoft.Extensions.Logging;

namespace StockData.Upstream;

/// <summary>
/// Every log message of the upstream gate (Redis, the shared rate limiter and its cooldown). Their event ids stay in
/// the storage range (1001, 1100–1199) they had before Redis moved out of the storage project, so log queries keep working.
/// </summary>
public static partial class UpstreamLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Redis is unreachable ({Reason}); continuing without it")]
    public static partial void RedisUnavailable(ILogger logger, string reason);

    // 1100-1199: the shared rate limiter and 429 cooldown (Redis/).

    [LoggerMessage(1100, LogLevel.Warning,
        "Rate limit '{Scope}': Redis is unreachable ({Reason}); {Fallback} until it answers again (probed every {ProbeInterval})")]
    public static partial void RateLimitRedisUnavailable(ILogger logger, string scope, string reason, string fallback, TimeSpan probeInterval);

    [LoggerMessage(1101, LogLevel.Information, "Rate limit '{Scope}': Redis answers again after {Outage}; back on the shared bucket")]
    public static partial void RateLimitRedisRecovered(ILogger logger, string scope, TimeSpan outage);

    [LoggerMessage(1102, LogLevel.Warning,
        "Rate limit '{Scope}': upstream throttled (429, Retry-After {RetryAfter}); every replica pauses for {Cooldown} (consecutive 429s: {Strikes})")]
    public static partial void RateLimitCooldownStarted(ILogger logger, string scope, TimeSpan cooldown, int strikes, string retryAfter);

    [LoggerMessage(1103, LogLevel.Information,
        "Rate limit '{Scope}': no Redis configured; in-process bucket at {Rate}/s, burst {Burst} (not shared with other replicas)")]
    public static partial void RateLimitLocalOnly(ILogger logger, string scope, double rate, int burst);
}
