using StockData.Core;
using StockData.Ingest;

namespace StockData.Pipeline.Http;

/// <summary>Captures how a refresh's single request ended (the pipeline calls exactly one of these).</summary>
internal sealed class RefreshCallbacks : IngestCallbacks
{
    public RefreshOutcome? Outcome { get; private set; }

    public SymbolMetadata? Metadata { get; private set; }

    public bool FullRefetchPending { get; private set; }

    public override ValueTask CommittedAsync(SymbolRequest request, FetchCommit commit, SymbolMetadata? metadata)
    {
        Metadata = metadata;
        FullRefetchPending = commit.FullRefetchPending;
        Outcome = commit.WatermarkMoved
            ? RefreshOutcome.Ok
            : RefreshOutcome.Failed("incomplete", "an earlier part of the fetch failed; the rows that arrived are stored");
        return ValueTask.CompletedTask;
    }

    public override ValueTask FailedAsync(SymbolRequest request, string category, string detail)
    {
        Outcome = RefreshOutcome.Failed(category, detail);
        return ValueTask.CompletedTask;
    }
}
