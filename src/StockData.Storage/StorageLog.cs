using Microsoft.Extensions.Logging;

namespace StockData.Storage;

/// <summary>Every log message of the storage layer, with stable event ids (1000–1999).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1000, LogLevel.Information, "Schema '{Schema}': applied {Applied} migration(s), {Known} known")]
    public static partial void MigrationsApplied(ILogger logger, string schema, int applied, int known);

    [LoggerMessage(1001, LogLevel.Warning, "Redis is unreachable ({Reason}); continuing without it")]
    public static partial void RedisUnavailable(ILogger logger, string reason);

    // 1200-1299: the bar writer (Postgres/).

    [LoggerMessage(1200, LogLevel.Warning,
        "Writing {Rows} rows ({Symbols}) failed transiently on attempt {Attempt} of {MaxAttempts}: {Reason}; retrying in {Delay} on a fresh connection")]
    public static partial void WriteRetry(ILogger logger, int rows, string symbols, int attempt, int maxAttempts, string reason, TimeSpan delay);

    [LoggerMessage(1201, LogLevel.Information,
        "Fresh-history COPY of {Symbols} met rows already stored ({Reason}): redoing the batch through the merge")]
    public static partial void FastPathConflict(ILogger logger, string symbols, string reason);

    [LoggerMessage(1202, LogLevel.Debug, "Created the staging tables on backend {Pid}")]
    public static partial void StagingCreated(ILogger logger, int pid);

    [LoggerMessage(1203, LogLevel.Warning, "The staging tables were missing on backend {Pid} (the session was reset); re-creating them")]
    public static partial void StagingMissing(ILogger logger, int pid);

    [LoggerMessage(1204, LogLevel.Warning,
        "Fetch {FetchId} ({Symbol} {Interval}): rows from offset {Offset} waited {Timeout} for the fetch's earlier rows and went ahead; " +
        "this fetch will not move the watermark")]
    public static partial void FetchOrderTimeout(ILogger logger, long fetchId, string symbol, string interval, int offset, TimeSpan timeout);

    [LoggerMessage(1205, LogLevel.Information,
        "Merge of {Symbols}: {Missed} row(s) were changed, re-inserted or inserted by a concurrent writer meanwhile; merging them again by key")]
    public static partial void MergeByKeyFallback(ILogger logger, string symbols, long missed);

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
