namespace StockData.Upstream.Caching;

/// <summary>
/// Thrown inside the cache factory when the upstream's final answer must not be cached (an error status, a body that
/// does not look like chart JSON): to FusionCache it is a failed factory, so fail-safe serves the stale entry when one
/// exists; otherwise the cache hands the caller the answer itself.
/// </summary>
public sealed class UncacheableResponseException : Exception
{
    public UncacheableResponseException()
    {
    }

    public UncacheableResponseException(string message)
        : base(message)
    {
    }

    public UncacheableResponseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
