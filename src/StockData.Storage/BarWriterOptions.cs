using System.ComponentModel.DataAnnotations;

namespace StockData.Storage;

/// <summary>The COPY-merge bar writer's settings: section <c>StockData:Writer</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class BarWriterOptions
{
    public const string SectionName = "StockData:Writer";

    /// <summary>Rows per write batch (one transaction each) for callers that build batches for the writer.</summary>
    /// <value>Default 5,000: the staged merge gains little beyond it on this machine (0.29× raw COPY at 5k rows per
    /// transaction, 0.34× at 20k, 0.16× at 500; docs/postgres-upsert.md B2) while larger transactions hold more locks.</value>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 5000;

    /// <summary>Retries of a batch after a transient failure (a broken connection, a deadlock, a server restart).</summary>
    /// <value>Default 5.</value>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry's delay; each later retry doubles it (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    /// <value>Default 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts.</summary>
    /// <value>Default 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>COPY a batch straight into the bars table when none of its symbols has stored bars for the interval.</summary>
    /// <value>Default true: 0.73× raw COPY against 0.34× for the staged merge on new rows (docs/postgres-upsert.md B3).</value>
    public bool FastPath { get; set; } = true;

    /// <summary>How long a chunk waits for the batch holding its fetch's earlier rows before going ahead without
    /// moving the fetch's watermark (a caller that lost a chunk must not stall the writer forever).</summary>
    /// <value>Default 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FetchOrderTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a batch that has COPYed its rows waits, its transaction open, for the batch before it that holds
    /// the same fetch's earlier rows; past that it rolls back and waits holding nothing, then writes again. Only
    /// matters with <c>StockData:Ingest:WriteConcurrency</c> above 1, where it lets two batches' COPYs overlap.</summary>
    /// <value>Default 2 seconds: far above a batch's usual finish (a few ms to commit once its rows are in), and short
    /// enough that a wait PostgreSQL cannot see (a lock the earlier batch needs, held here) ends soon. 0 turns the
    /// overlap off: a batch waits for its turn before it writes anything.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan OverlapWait { get; set; } = TimeSpan.FromSeconds(2);
}
