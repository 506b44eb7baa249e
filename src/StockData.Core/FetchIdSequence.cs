namespace StockData.Core;

/// <summary>
/// Hands out fetch ids (<see cref="FetchChunk.FetchId"/>): unique among everything that feeds one writer, which orders
/// and completes fetches by them. One per host (a singleton beside the writer), so two hosts in one process never share
/// a counter; thread-safe, since the planner runs on several threads.
/// </summary>
public sealed class FetchIdSequence
{
    private long _last;

    /// <summary>The next id: 1, 2, 3, … for this sequence.</summary>
    public long Next() => Interlocked.Increment(ref _last);
}
