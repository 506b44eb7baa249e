namespace StockData.Core;

/// <summary>
/// A batch could not be written: its transaction did not commit (in the one ambiguous case, a connection lost during
/// COMMIT itself, the outcome is unknown; writing the batch again is safe either way, the merge is idempotent). The
/// message names the batch's symbols; <see cref="RetriesExhausted"/> tells a database that stayed unreachable (or kept
/// failing transiently) from a batch the database refused.
/// </summary>
public sealed class BarWriteException : Exception
{
    public BarWriteException()
    {
        Symbols = [];
    }

    public BarWriteException(string message)
        : base(message)
    {
        Symbols = [];
    }

    public BarWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
        Symbols = [];
    }

    public BarWriteException(string message, IReadOnlyList<string> symbols, bool retriesExhausted, Exception innerException)
        : base(message, innerException)
    {
        Symbols = symbols;
        RetriesExhausted = retriesExhausted;
    }

    /// <summary>The distinct symbols of the failed batch.</summary>
    public IReadOnlyList<string> Symbols { get; }

    /// <summary>True when the failure was transient and the retries ran out.</summary>
    public bool RetriesExhausted { get; }
}
