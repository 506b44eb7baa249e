using StockData.Core;

namespace StockData.Ingest;

/// <summary>
/// Hooks a source gives the pipeline to learn how each of its requests ended: the daemon moves a symbol's schedule
/// and releases its lease, a job marks its item done or failed. Called once per request.
/// </summary>
public class IngestCallbacks
{
    public static IngestCallbacks None { get; } = new();

    /// <summary>The fetch's last chunk committed (check <see cref="FetchCommit.WatermarkMoved"/>).</summary>
    public virtual ValueTask CommittedAsync(SymbolRequest request, FetchCommit commit) => ValueTask.CompletedTask;

    /// <summary>
    /// The fetch's last chunk committed, with the metadata of its last response that carried any (null when none did):
    /// the daemon schedules a daily symbol's next fetch from its <see cref="SymbolMetadata.RegularSessionEnd"/> and
    /// exchange zone, which the store does not keep. The pipeline calls this overload; by default it forwards to the other.
    /// </summary>
    public virtual ValueTask CommittedAsync(SymbolRequest request, FetchCommit commit, SymbolMetadata? metadata) =>
        CommittedAsync(request, commit);

    /// <summary>The request failed with a reject category (as recorded in fetch_rejects).</summary>
    public virtual ValueTask FailedAsync(SymbolRequest request, string category, string detail) => ValueTask.CompletedTask;
}
