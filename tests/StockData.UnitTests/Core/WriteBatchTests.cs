using StockData.Core;

namespace StockData.UnitTests.Core;

public sealed class WriteBatchTests
{
    [Fact]
    public void Pack_SplitsFetchesAcrossBatchesOfExactlyTheBatchSize()
    {
        var events = new FetchEvents(null, [], [new Split(DateTimeOffset.UnixEpoch, new DateOnly(1970, 1, 1), 2, 1)], []);
        var a = new FetchChunk(1, "AAA", BarInterval.Daily, true, 0, FetchChunkTests.Bars(12), true, events);
        var b = new FetchChunk(2, "BBB", BarInterval.Daily, true, 0, FetchChunkTests.Bars(3), true);
        var c = new FetchChunk(3, "CCC", BarInterval.Daily, true, 0, FetchChunkTests.Bars(0), true, events);

        var batches = WriteBatch.Pack([a, b, c], 5).ToList();

        Assert.Equal([5, 5, 5], batches.Select(x => x.RowCount));
        var aChunks = batches.SelectMany(x => x.Chunks).Where(x => x.FetchId == 1).ToList();
        Assert.Equal([0, 5, 10], aChunks.Select(x => x.Offset));
        Assert.Equal([false, false, true], aChunks.Select(x => x.IsLast));
        Assert.Equal([null, null, events], aChunks.Select(x => x.Events));
        Assert.Contains(batches[2].Chunks, x => x.FetchId == 3 && x.IsLast && x.Events == events);
    }

    [Fact]
    public void Pack_PartialLastBatch_IsFlushed()
    {
        var batches = WriteBatch.Pack([new FetchChunk(1, "AAA", BarInterval.Daily, false, 0, FetchChunkTests.Bars(7), true)], 5).ToList();
        Assert.Equal([5, 2], batches.Select(x => x.RowCount));
    }

    [Fact]
    public void RowCount_SumsTheChunks() =>
        Assert.Equal(9, new WriteBatch([
            new FetchChunk(1, "A", BarInterval.Daily, false, 0, FetchChunkTests.Bars(4), true),
            new FetchChunk(2, "B", BarInterval.Daily, false, 0, FetchChunkTests.Bars(5), true)]).RowCount);
}
