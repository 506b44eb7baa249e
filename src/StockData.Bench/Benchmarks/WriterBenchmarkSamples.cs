namespace StockData.Bench.Benchmarks;

/// <summary>
/// The timed passes of every round of <c>bench writer</c>: each writer figure keeps, per sample, the raw-COPY sample
/// taken right before it, so its ratio to the limit is measured side by side.
/// </summary>
internal sealed class WriterBenchmarkSamples(int rows, int refreshRows)
{
    public int Rows { get; } = rows;

    public int RefreshRows { get; } = refreshRows;

    public List<TimeSpan> RawCopy { get; } = [];

    public List<TimeSpan> PackedRawCopy { get; } = [];

    public PairedSamples OldWay { get; } = new();

    public PairedSamples Fresh { get; } = new();

    public PairedSamples Unchanged { get; } = new();

    public PairedSamples Changed { get; } = new();

    public List<TimeSpan> Refresh { get; } = [];

    public List<TimeSpan> OldWayRefresh { get; } = [];

    public int FastPathBatches { get; set; }

    public int Batches { get; set; }

    /// <summary>The most tuples any round's unchanged pass wrote (by xmin): the target is 0 in every round.</summary>
    public long UnchangedTuplesWritten { get; set; }

    /// <summary>The same per pg_stat_user_tables.</summary>
    public long UnchangedStatTuplesWritten { get; set; }

    public long ChangedRevisions { get; set; }
}

/// <summary>A figure's timed passes, each with the raw-COPY sample of the same rows taken right before it.</summary>
internal sealed class PairedSamples
{
    public List<TimeSpan> Times { get; } = [];

    public List<TimeSpan> RawCopyBefore { get; } = [];

    public void Add(TimeSpan elapsed, TimeSpan rawCopyBefore)
    {
        Times.Add(elapsed);
        RawCopyBefore.Add(rawCopyBefore);
    }

    public Spread Rates(int rows) => Spread.Of(Times.Select(t => rows / t.TotalSeconds));

    /// <summary>Pass rate ÷ raw-COPY rate, per pass: the raw COPY took r seconds, the pass t, for the same rows.</summary>
    public Spread Ratios => Spread.Of(Times.Zip(RawCopyBefore, (t, raw) => raw.TotalSeconds / t.TotalSeconds));
}
