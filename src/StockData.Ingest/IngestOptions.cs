using System.ComponentModel.DataAnnotations;

namespace StockData.Ingest;

/// <summary>The Dataflow graph's shape: section <c>StockData:Ingest</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class IngestOptions
{
    public const string SectionName = "StockData:Ingest";

    /// <summary>Requests in flight to the upstream at once (the fetch block's MaxDegreeOfParallelism).</summary>
    /// <value>Default 2: safe for real Yahoo, whose limit is per client IP; the rate limiter, not this, sets the pace.
    /// The demo, tests and benchmarks raise it explicitly.</value>
    [Range(1, 256)]
    public int FetchConcurrency { get; set; } = 2;

    /// <summary>Parser parallelism; 0 means the processor count.</summary>
    /// <value>Default 0 (processor count).</value>
    [Range(0, 256)]
    public int ParseConcurrency { get; set; }

    /// <summary>A partial batch is written once its first row has waited this long, so a trickle is never held.</summary>
    /// <value>Default 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBatchAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Write parallelism (connections writing at once). Batches of one fetch still commit in order.</summary>
    /// <value>Default 2: a batch COPYs its rows while the batch before it finishes and commits (its symbol rows and
    /// watermarks wait for their turn), which on the fresh pass of partitioned 1m bars took the writer from 0.50 to 0.70
    /// of one raw COPY (docs/performance.md, Writer on partitioned intraday_bars). Keep it below the pool size.</value>
    [Range(1, 64)]
    public int WriteConcurrency { get; set; } = 2;

    /// <summary>Bounded capacity of the source→fetch buffer, in symbols.</summary>
    /// <value>Default 16.</value>
    [Range(1, 100_000)]
    public int FetchQueueCapacity { get; set; } = 16;

    /// <summary>Bounded capacity of the fetch→parse buffer, in responses (each holds a body: keep it small).</summary>
    /// <value>Default 8.</value>
    [Range(1, 10_000)]
    public int ParseQueueCapacity { get; set; } = 8;

    /// <summary>Bounded capacity of the parse→batch buffer, in parsed responses.</summary>
    /// <value>Default 8.</value>
    [Range(1, 10_000)]
    public int BatchQueueCapacity { get; set; } = 8;

    /// <summary>Bounded capacity of the batch→write buffer, in batches.</summary>
    /// <value>Default 2: one being written, one ready.</value>
    [Range(1, 1_000)]
    public int WriteQueueCapacity { get; set; } = 2;

    /// <summary>Incremental fetches start this many bars before the watermark, to pick up Yahoo's revisions.</summary>
    /// <value>Default 5.</value>
    [Range(0, 1000)]
    public int OverlapBars { get; set; } = 5;

    /// <summary>On Ctrl-C / SIGTERM, how long to drain in-flight work before giving up.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The effective parse parallelism.</summary>
    public int EffectiveParseConcurrency => ParseConcurrency > 0 ? ParseConcurrency : Environment.ProcessorCount;
}
