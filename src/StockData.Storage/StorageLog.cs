using Microsoft.Extensions.Logging;

namespace StockData.Storage;

/// <summary>Every log message of the storage layer, with stable event ids (1000–1999).</summary>
public static partial class StorageLog
{
    [LoggerMessage(1000, LogLevel.Information, "Schema '{Schema}': applied {Applied} migration(s), {Known} known")]
    public static partial void MigrationsApplied(ILogger logger, string schema, int applied, int known);

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

    [LoggerMessage(1206, LogLevel.Information,
        "Batch of {Symbols}: the batch before it, holding the same fetch's earlier rows, did not finish within {Wait}; " +
        "rolled back, writing it again once that batch is done")]
    public static partial void TurnWaitRolledBack(ILogger logger, string symbols, TimeSpan wait);

    // 1300-1399: the read replica (Postgres/Replica/).

    [LoggerMessage(1300, LogLevel.Warning,
        "The read replica {Standby} cannot answer ({Reason}): reads go to the primary, the standby is tried again after {RetryAfter}")]
    public static partial void StandbyDown(ILogger logger, string standby, string reason, TimeSpan retryAfter);

    [LoggerMessage(1301, LogLevel.Information, "The read replica {Standby} answers again: reads go back to it")]
    public static partial void StandbyBack(ILogger logger, string standby);
}
