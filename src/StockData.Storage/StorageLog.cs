using Microsoft.Extensions.Logging;

namespace StockData.Storage;

/// <summary>Every log message of the storage layer, with stable event ids (1000–1999).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1000, LogLevel.Information, "Schema '{Schema}': applied {Applied} migration(s), {Known} known")]
    public static partial void MigrationsApplied(ILogger logger, string schema, int applied, int known);

    [LoggerMessage(1001, LogLevel.Warning, "Redis is unreachable ({Reason}); continuing without it")]
    public static partial void RedisUnavailable(ILogger logger, string reason);
}
