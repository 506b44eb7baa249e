using Microsoft.Extensions.Logging;

namespace StockData.Storage;

/// <summary>Every log message of the storage layer, with stable event ids (1000–1999).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1000, LogLevel.Information, "Schema '{Schema}': applied {Applied} migration(s), {Known} known")]
    public static partial void MigrationsApplied(ILogger logger, string schema, int applied, int known);

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
