using Microsoft.Extensions.Logging;

namespace StockData.Diagnostics;

/// <summary>Every log message of the pipeline host, with stable event ids (3000–3999).</summary>
public static partial class PipelineLog
{
    [LoggerMessage(3000, LogLevel.Warning,
        "Egress '{Egress}': {Failures} auth failures in a row (last: {Reason}); the fleet holds chart requests back for {Cooldown}")]
    public static partial void AuthCooldownStarted(ILogger logger, string egress, int failures, string reason, TimeSpan cooldown);

    [LoggerMessage(3030, LogLevel.Information, "{Symbol}: the session was refused ({Reason}); retrying once with a fresh session")]
    public static partial void AuthRetry(ILogger logger, string symbol, string reason);

    [LoggerMessage(3031, LogLevel.Information, "Egress '{Egress}': Yahoo session {Version} refreshed ({Strategy}) and shared with the fleet")]
    public static partial void SessionShared(ILogger logger, string egress, string version, string strategy);

    [LoggerMessage(3032, LogLevel.Warning, "Egress '{Egress}': session refresh failed ({Kind}): {Message}")]
    public static partial void SessionRefreshFailed(ILogger logger, string egress, string kind, string message);

    [LoggerMessage(3033, LogLevel.Information, "Egress '{Egress}': session {Version} dropped for the fleet (refused)")]
    public static partial void SessionDropped(ILogger logger, string egress, string version);

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

    // 3100-3299: daemon mode. Symbol, Interval and JobId are message parameters, so the JSON console formatter
    // (Logging__Console__FormatterName=json) gives them as fields of "State".

    [LoggerMessage(3100, LogLevel.Information, "Daemon started: replica {ReplicaId}, leases of {LeaseDuration} renewed every {RenewInterval}, at most {MaxLeases} held, polling every {PollInterval}")]
    public static partial void DaemonStarted(ILogger logger, string replicaId, TimeSpan leaseDuration, TimeSpan renewInterval, int maxLeases,
        TimeSpan pollInterval);

    [LoggerMessage(3101, LogLevel.Information, "{Symbol} {Interval}: fetched, next fetch at {NextFetchAt:O}")]
    public static partial void Scheduled(ILogger logger, string symbol, string interval, DateTimeOffset nextFetchAt);

    [LoggerMessage(3102, LogLevel.Information, "{Symbol} {Interval}: {Category}, next try at {NextFetchAt:O} ({Failures} failure(s) in a row)")]
    public static partial void ScheduledAfterFailure(ILogger logger, string symbol, string interval, string category, DateTimeOffset nextFetchAt,
        int failures);

    [LoggerMessage(3103, LogLevel.Information, "Job {JobId} item {JobItemId} {Symbol} {Interval}: {Outcome}")]
    public static partial void JobItemFinished(ILogger logger, long jobId, long jobItemId, string symbol, string interval, string outcome);

    [LoggerMessage(3104, LogLevel.Warning, "{Symbol} {Interval}: took over the expired lease of replica {PreviousOwner}")]
    public static partial void LeaseTakenOver(ILogger logger, string symbol, string interval, string previousOwner);

    [LoggerMessage(3105, LogLevel.Warning, "Took over {Count} job item(s) whose worker stopped renewing its lease")]
    public static partial void JobItemsTakenOver(ILogger logger, int count);

    [LoggerMessage(3106, LogLevel.Warning, "{Lost} of {Held} lease(s) were no longer this replica's at renewal: they expired and may have been taken over")]
    public static partial void LeasesLost(ILogger logger, int lost, int held);

    [LoggerMessage(3107, LogLevel.Error, "The pipeline stopped: {Message}; starting it again in {Delay}")]
    public static partial void PipelineStopped(ILogger logger, string message, TimeSpan delay, Exception exception);

    [LoggerMessage(3108, LogLevel.Warning, "Claiming work failed: {Message}; trying again every {Delay} (logged once until it works)")]
    public static partial void ClaimFailed(ILogger logger, string message, TimeSpan delay);

    [LoggerMessage(3109, LogLevel.Information, "Stopped claiming; released {Intervals} symbol lease(s) and {Items} job item(s) for the other replicas")]
    public static partial void LeasesReleased(ILogger logger, int intervals, int items);

    [LoggerMessage(3110, LogLevel.Warning, "{Symbol} {Interval}: recording the outcome failed ({Message}); its lease will expire and the fetch be retried")]
    public static partial void OutcomeNotRecorded(ILogger logger, string symbol, string interval, string message);

    [LoggerMessage(3111, LogLevel.Information, "Released {Intervals} symbol lease(s) and {Items} job item(s) left by an earlier process of replica {ReplicaId}")]
    public static partial void StaleLeasesReleased(ILogger logger, int intervals, int items, string replicaId);

    [LoggerMessage(3112, LogLevel.Warning, "Reading the store-wide counts failed: {Message} (logged once until it works)")]
    public static partial void StoreCountsFailed(ILogger logger, string message);

    [LoggerMessage(3113, LogLevel.Information, "stockdata run: listening on {Addresses}")]
    public static partial void Listening(ILogger logger, string addresses);

    [LoggerMessage(3114, LogLevel.Information, "Job {JobId} submitted: {Items} item(s), priority {Priority}")]
    public static partial void JobSubmitted(ILogger logger, long jobId, int items, string priority);

    [LoggerMessage(3140, LogLevel.Information, "Job {JobId} cancelled: {Dropped} item(s) not started dropped; the ones in flight finish")]
    public static partial void JobCancelled(ILogger logger, long jobId, int dropped);

    [LoggerMessage(3700, LogLevel.Information, "Export finished: {Written} file(s) written, {Unchanged} unchanged, {Rows} rows in {Seconds:F1} s")]
    public static partial void ExportFinished(ILogger logger, int written, int unchanged, long rows, double seconds);

    [LoggerMessage(3115, LogLevel.Warning, "{Symbol} {Interval}: refresh for the bars endpoint failed: {Category}: {Detail}")]
    public static partial void RefreshFailed(ILogger logger, string symbol, string interval, string category, string detail);

    [LoggerMessage(3116, LogLevel.Debug, "Claimed {Count} item(s): {High} high-priority job item(s), {Scheduled} scheduled, {Normal} other job item(s)")]
    public static partial void Claimed(ILogger logger, int count, int high, int scheduled, int normal);

    [LoggerMessage(3117, LogLevel.Information, "Upstream {Upstream}, limiter {Rate} req/s burst {Burst} ({Shared}), fetch concurrency {Concurrency}, API key {ApiKey}")]
    public static partial void RunSettings(ILogger logger, string upstream, double rate, int burst, string shared, int concurrency, string apiKey);

    [LoggerMessage(3118, LogLevel.Warning, "Giving the leases back failed ({Message}): they expire by themselves within {LeaseDuration}")]
    public static partial void ReleaseFailed(ILogger logger, string message, TimeSpan leaseDuration);

    [LoggerMessage(3119, LogLevel.Critical, "The daemon failed: {Message}")]
    public static partial void DaemonFailed(ILogger logger, string message, Exception exception);

    [LoggerMessage(3300, LogLevel.Warning, "Upstream circuit of egress {Egress} opened for {BreakDuration} after {Outcome}: every replica pauses that egress for the break (shared cooldown)")]
    public static partial void CircuitOpened(ILogger logger, string egress, TimeSpan breakDuration, string outcome);

    [LoggerMessage(3301, LogLevel.Information, "Upstream circuit of egress {Egress} half-open: one probe request goes through")]
    public static partial void CircuitHalfOpened(ILogger logger, string egress);

    [LoggerMessage(3302, LogLevel.Information, "Upstream circuit of egress {Egress} closed: the upstream answers again")]
    public static partial void CircuitClosed(ILogger logger, string egress);

    [LoggerMessage(3400, LogLevel.Information, "Quality scan: {GapsFound} new gaps, {Repaired} repaired, {Confirmed} confirmed missing, {Reopened} to fetch again; {Items} low-priority fetch items in {Jobs} jobs")]
    public static partial void QualityScanned(ILogger logger, int gapsFound, int repaired, int confirmed, int reopened, int items, int jobs);

    [LoggerMessage(3401, LogLevel.Debug, "Quality scan skipped: another process is scanning this schema")]
    public static partial void QualityScanSkipped(ILogger logger);

    [LoggerMessage(3402, LogLevel.Warning, "Quality scan failed, next one in {Interval}: {Message}")]
    public static partial void QualityScanFailed(ILogger logger, string message, TimeSpan interval);

    [LoggerMessage(3403, LogLevel.Information, "Quality scans every {Interval}: peers share {Share}, at least {MinPeers} peers, confirmed missing after {MaxAttempts} attempts")]
    public static partial void QualityMonitorStarted(ILogger logger, TimeSpan interval, double share, int minPeers, int maxAttempts);

    [LoggerMessage(3500, LogLevel.Warning, "Request counts not written to the budget ledger ({Requests} requests kept for the next try): {Message}")]
    public static partial void RequestCountsNotWritten(ILogger logger, long requests, string message);

    // 3600-3699: intraday partitions and retention.

    [LoggerMessage(3600, LogLevel.Warning,
        "{Rows} {Interval} row(s) of {Month:yyyy-MM} were in the DEFAULT partition (no month partition existed for them); moving them into a new partition. " +
        "Raise StockData:Retention:PartitionMonthsBehind/Ahead if this recurs")]
    public static partial void IntradayDefaultRowsFound(ILogger logger, long rows, string interval, DateOnly month);

    [LoggerMessage(3601, LogLevel.Information, "Created intraday partition {Interval} {Month:yyyy-MM} ({Moved} row(s) moved from the DEFAULT partition)")]
    public static partial void IntradayPartitionCreated(ILogger logger, string interval, DateOnly month, long moved);

    [LoggerMessage(3602, LogLevel.Information, "Retention dropped intraday partition {Name} ({Interval}, up to {RangeTo:u}): {Rows} row(s)")]
    public static partial void IntradayPartitionDropped(ILogger logger, string name, string interval, DateTimeOffset rangeTo, long rows);

    [LoggerMessage(3603, LogLevel.Warning, "Partition maintenance failed, next run in {Interval}: {Message}")]
    public static partial void PartitionMaintenanceFailed(ILogger logger, string message, TimeSpan interval);
}
