using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Upstream.Caching;
using StockData.Upstream.Fetching;
using StockData.Storage;
using StockData.Storage.Postgres;

namespace StockData.Ingest;

/// <summary>
/// The ingest graph's entry point: source → fetch (rate-limited) → parse (parallel) → sequence → batch (rows / max age)
/// → write, one stage a file (<c>*Stage.cs</c>), linked by <see cref="IngestGraph"/>. Per-symbol failures ride to the
/// write stage, which records them (rejects table, symbol status) and counts them; they never fault the graph. Only a
/// database that stays unreachable does, and stops the run. Each call is one run with its own graph and statistics.
/// </summary>
public sealed class IngestPipeline(
    IOptions<IngestOptions> options,
    IOptions<BarWriterOptions> writerOptions,
    FetchPlanner planner,
    ChartFetchService fetchService,
    IBarWriter writer,
    RejectRecorder rejects,
    SymbolMetadataCache metadata,
    TimeProvider time,
    ILogger<IngestPipeline> logger)
{
    /// <summary>The reject category of a batch the database refused (not an upstream category).</summary>
    public const string WriteFailedCategory = "write_failed";

    private readonly Parts _parts = new(options.Value, writerOptions.Value.BatchSize, planner, fetchService, writer, rejects,
        metadata, time, logger);

    /// <summary>
    /// Runs <paramref name="source"/> through the graph until it ends. <paramref name="stopToken"/> stops reading the
    /// source and drains what is in flight (up to DrainTimeout); <paramref name="abortToken"/> cancels in-flight work.
    /// Throws <see cref="IngestFatalException"/> when the store stays unreachable.
    /// </summary>
    public async Task RunAsync(IAsyncEnumerable<SymbolRequest> source, IngestStats stats, IngestCallbacks? callbacks,
        CancellationToken stopToken, CancellationToken abortToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(abortToken);
        var graph = new IngestGraph(_parts, stats, callbacks ?? IngestCallbacks.None, abort);
        await graph.RunAsync(source, stopToken);
    }

    /// <summary>The services and settings every run's stages are built from (shared, stateless between runs).</summary>
    internal sealed record Parts(IngestOptions Options, int BatchSize, FetchPlanner Planner, ChartFetchService FetchService,
        IBarWriter Writer, RejectRecorder Rejects, SymbolMetadataCache MetadataCache, TimeProvider Time,
        ILogger Logger);
}
