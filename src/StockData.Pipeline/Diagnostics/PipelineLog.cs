using Microsoft.Extensions.Logging;

namespace StockData.Pipeline.Diagnostics;

/// <summary>Every log message of the pipeline host, with stable event ids (3000–3999).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(3000, LogLevel.Warning, "{Threshold} unauthorized answers in a row: pausing every fetch for {Cooldown} (Yahoo throttles this way too)")]
    public static partial void UnauthorizedPause(ILogger logger, int threshold, TimeSpan cooldown);

    [LoggerMessage(3001, LogLevel.Warning, "{Symbol} {Interval}: {Category}: {Detail}")]
    public static partial void SymbolFailed(ILogger logger, string symbol, string interval, string category, string detail);

    [LoggerMessage(3002, LogLevel.Error, "The write stage failed for good: {Message}")]
    public static partial void WriteFatal(ILogger logger, string message, Exception exception);

    [LoggerMessage(3003, LogLevel.Warning, "A batch of {Rows} rows was rejected by the database and recorded for {Symbols}: {Message}")]
    public static partial void BatchRejected(ILogger logger, int rows, string symbols, string message);

    [LoggerMessage(3004, LogLevel.Information, "Stopping: the source is closed, draining in-flight work (up to {Timeout})")]
    public static partial void Draining(ILogger logger, TimeSpan timeout);

    [LoggerMessage(3005, LogLevel.Warning, "Drain timed out after {Timeout}: cancelling in-flight work; committed batches are kept")]
    public static partial void DrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(3006, LogLevel.Information, "{Count} symbol(s) showed a new split or dividend: fetching their full history again")]
    public static partial void FullRefetchPass(ILogger logger, int count);

    [LoggerMessage(3007, LogLevel.Warning, "{Source}:{Line}: {Reason}")]
    public static partial void InputLineRejected(ILogger logger, string source, int line, string reason);

    [LoggerMessage(3300, LogLevel.Warning, "Upstream circuit opened for {BreakDuration} after {Outcome}: every replica pauses for the break (shared cooldown)")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration, string outcome);

    [LoggerMessage(3301, LogLevel.Information, "Upstream circuit half-open: one probe request goes through")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(3302, LogLevel.Information, "Upstream circuit closed: the upstream answers again")]
    public static partial void CircuitClosed(ILogger logger);
}
