using StockData.Core;

namespace StockData.UnitTests.Core;

public sealed class FetchIdSequenceTests
{
    [Fact]
    public void Next_IsUniqueAcrossThreads()
    {
        var sequence = new FetchIdSequence();
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 1000, _ => ids.Add(sequence.Next()));
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), ids.Order());
    }

    [Fact]
    public void TwoSequences_CountIndependently()
    {
        // One per host: a second host in the process starts its own count instead of advancing the first's.
        var first = new FetchIdSequence();
        var second = new FetchIdSequence();
        first.Next();
        first.Next();
        Assert.Equal(1, second.Next());
        Assert.Equal(3, first.Next());
    }
}
