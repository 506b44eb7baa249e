using StockData.Core;
using StockData.Yahoo.Client;

namespace StockData.Ingest;

/// <summary>
/// One fetch (a symbol request and its plan), carried by reference on every message of its parts, so the facts about a
/// fetch travel with its work instead of living in tables keyed by fetch id. Each mutable field has one owner: the
/// sequence stage, which handles one part at a time and sees a fetch's parts in order (the blocks keep order).
/// </summary>
internal sealed class FetchTicket(SymbolRequest request, FetchPlan? plan)
{
    public SymbolRequest Request { get; } = request;

    /// <summary>The plan; null when the source refused the request before planning it (a bad request).</summary>
    public FetchPlan? Plan { get; } = plan;

    /// <summary>The offset of the fetch's next bar, across its parts (sequence stage).</summary>
    public int NextOffset { get; set; }

    /// <summary>The metadata of the latest response that carried any (sequence stage): the freshest trading period.</summary>
    public SymbolMetadata? Metadata { get; set; }

    /// <summary>A part failed (sequence stage): the fetch's later parts are dropped, its failure was already sent on.</summary>
    public bool Failed { get; set; }
}

/// <summary>Why a fetch ended without committing: its reject, recorded once by the write stage.</summary>
/// <param name="Category">The reject category (an upstream category's name, or <see cref="IngestPipeline.WriteFailedCategory"/>).</param>
/// <param name="Upstream">The upstream category, when the failure came from the upstream or the request (decides not_found).</param>
internal sealed record FetchFailure(string Category, string Detail, FetchErrorCategory? Upstream)
{
    public static FetchFailure From(FetchError error) => new(error.Category.ToName(), error.Message, error.Category);
}

/// <summary>
/// One request of a fetch plan, on its way to the fetch stage; or, with <see cref="Refused"/> set and no request, a
/// request the source could not plan, passing through to the write stage where failures are recorded.
/// </summary>
internal sealed record FetchPart(FetchTicket Fetch, int Index, bool IsLastPart, YahooChartRequest? Request, FetchFailure? Refused = null);

/// <summary>A fetched response (owning its pooled body until parsed), or why there is none.</summary>
internal sealed record FetchedPart(FetchPart Part, YahooResponse? Response, FetchError? Error);

/// <summary>A parsed part: its result, or the failure that ends the fetch.</summary>
internal sealed record ParsedPart(FetchPart Part, FetchResult? Result, FetchFailure? Failure);

/// <summary>
/// What the batch stage groups and the write stage takes: a chunk of a fetch's bars, or a fetch's failure (no rows,
/// so it never weighs on a batch's size). The chunk that ends a fetch carries the fetch's metadata for the commit.
/// </summary>
internal sealed record BatchItem(FetchTicket Fetch, FetchChunk? Chunk, FetchFailure? Failure, SymbolMetadata? Metadata = null)
{
    public int RowCount => Chunk?.RowCount ?? 0;

    /// <summary>Splits the chunk after <paramref name="rows"/> rows; the tail keeps the end of the fetch and its metadata.</summary>
    public (BatchItem Head, BatchItem Tail) Split(int rows)
    {
        var (head, tail) = Chunk!.Split(rows);
        return (this with { Chunk = head, Metadata = null }, this with { Chunk = tail });
    }
}
