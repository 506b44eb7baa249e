namespace StockData.Upstream.Fetching;

/// <summary>
/// Told the outcome of every upstream attempt one <see cref="ChartFetchService"/> fetch call
/// makes (retries included): the caller's own statistics, never another caller's.
/// </summary>
public interface IFetchAttemptObserver
{
    /// <summary>One attempt came back with <paramref name="status"/> (0 when no response came).</summary>
    void AttemptCompleted(int status);
}
