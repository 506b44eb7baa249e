namespace StockData.TestSupport;

/// <summary>
/// Fetch ids for chunks a test builds by hand. They start far above where a host's own <c>FetchIdSequence</c> counts
/// from, so a test feeding a writer that a running pipeline also feeds never hands it an id the pipeline will use.
/// </summary>
public static class TestFetchIds
{
    private static long _last = 1L << 40;

    public static long Next() => Interlocked.Increment(ref _last);
}
