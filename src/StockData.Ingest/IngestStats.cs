using StockData.Upstream.Fetching;

namespace StockData.Ingest;

/// <summary>
/// Live counters of one ingest run, read by the progress display and the summary. Thread-safe; the Prometheus
/// metrics are updated beside them (they outlive a run, these don't). The fetch stage hands it to each fetch call as
/// that call's attempt observer, so it counts this run's upstream attempts only.
/// </summary>
public sealed class IngestStats : IFetchAttemptObserver
{
    private long _symbolsRead;
    private long _symbolsOk;
    private long _symbolsNotFound;
    private long _symbolsFailed;
    private long _rowsInserted;
    private long _rowsUpdated;
    private long _rowsUnchanged;
    private long _requests;
    private long _rateLimited;
    private long _inputErrors;

    /// <summary>Symbols the source handed to the graph.</summary>
    public long SymbolsRead => Interlocked.Read(ref _symbolsRead);

    public long SymbolsOk => Interlocked.Read(ref _symbolsOk);

    public long SymbolsNotFound => Interlocked.Read(ref _symbolsNotFound);

    public long SymbolsFailed => Interlocked.Read(ref _symbolsFailed);

    public long SymbolsDone => SymbolsOk + SymbolsNotFound + SymbolsFailed;

    public long RowsInserted => Interlocked.Read(ref _rowsInserted);

    public long RowsUpdated => Interlocked.Read(ref _rowsUpdated);

    public long RowsUnchanged => Interlocked.Read(ref _rowsUnchanged);

    public long RowsWritten => RowsInserted + RowsUpdated + RowsUnchanged;

    /// <summary>Upstream requests sent (every attempt, retries included).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>429 answers received.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Input lines rejected before any request (bad symbol lines).</summary>
    public long InputErrors => Interlocked.Read(ref _inputErrors);

    /// <summary>Total symbols expected, when the source knows it (null while a file is still being read).</summary>
    public long? SymbolsTotal { get; set; }

    /// <summary>Reads each stage's input backlog for the progress display.</summary>
    public Func<IReadOnlyList<(string Stage, int Depth)>>? QueueDepths { get; set; }

    public void SymbolRead() => Interlocked.Increment(ref _symbolsRead);

    public void SymbolOk() => Interlocked.Increment(ref _symbolsOk);

    public void SymbolNotFound() => Interlocked.Increment(ref _symbolsNotFound);

    public void SymbolFailed() => Interlocked.Increment(ref _symbolsFailed);

    public void InputError() => Interlocked.Increment(ref _inputErrors);

    public void Request(int status)
    {
        Interlocked.Increment(ref _requests);
        if (status == 429)
        {
            Interlocked.Increment(ref _rateLimited);
        }
    }

    void IFetchAttemptObserver.AttemptCompleted(int status) => Request(status);

    public void Rows(long inserted, long updated, long unchanged)
    {
        Interlocked.Add(ref _rowsInserted, inserted);
        Interlocked.Add(ref _rowsUpdated, updated);
        Interlocked.Add(ref _rowsUnchanged, unchanged);
    }
}
