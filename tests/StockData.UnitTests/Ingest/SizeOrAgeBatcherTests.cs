using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Time.Testing;
using StockData.Ingest;

namespace StockData.UnitTests.Ingest;

public sealed class SizeOrAgeBatcherTests
{
    // An item is a run of rows [Start, Start+Count); splitting keeps every row exactly once.
    private readonly record struct Run(int Start, int Count);

    private static SizeOrAgeBatcher<Run> CreateSut(int batchSize, TimeProvider time, TimeSpan? maxAge = null) =>
        new(batchSize, maxAge ?? TimeSpan.FromSeconds(2), inputCapacity: 16, outputCapacity: 16,
            rows: r => r.Count,
            split: (r, n) => (new Run(r.Start, n), new Run(r.Start + n, r.Count - n)),
            time);

    [Fact]
    public async Task Batch_FullSize_EmitsExactlyBatchSizeRows_SplittingItems()
    {
        var sut = CreateSut(10, new FakeTimeProvider());
        for (var i = 0; i < 7; i++)
        {
            await sut.Block.SendAsync(new Run(i * 4, 4));
        }

        sut.Block.Complete();
        var batches = await Drain(sut.Block);

        Assert.Equal([10, 10, 8], batches.Select(b => b.Sum(r => r.Count)));
        Assert.Equal(Enumerable.Range(0, 28), batches.SelectMany(b => b).SelectMany(r => Enumerable.Range(r.Start, r.Count)));
    }

    [Fact]
    public async Task Batch_ItemLargerThanSeveralBatches_IsSplitAcrossThem()
    {
        var sut = CreateSut(5, new FakeTimeProvider());
        await sut.Block.SendAsync(new Run(0, 12));
        sut.Block.Complete();

        var batches = await Drain(sut.Block);

        Assert.Equal([5, 5, 2], batches.Select(b => b.Sum(r => r.Count)));
    }

    [Fact]
    public async Task Batch_Trickle_FlushedWhenFirstRowReachesMaxAge()
    {
        var time = new FakeTimeProvider();
        var sut = CreateSut(100, time);
        await sut.Block.SendAsync(new Run(0, 1));
        await WaitUntil(() => sut.InputCount == 0);

        time.Advance(TimeSpan.FromSeconds(1));
        await sut.Block.SendAsync(new Run(1, 1));
        await Task.Delay(50);
        Assert.False(((IReceivableSourceBlock<IReadOnlyList<Run>>)sut.Block).TryReceive(out _));

        // Two seconds after the FIRST row, not after the second: the timer is never re-armed.
        time.Advance(TimeSpan.FromSeconds(1));
        var batch = await sut.Block.ReceiveAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(2, batch.Sum(r => r.Count));
    }

    [Fact]
    public async Task Formed_ReportsEachBatchAgeFromItsFirstRow()
    {
        var time = new FakeTimeProvider();
        var ages = new List<TimeSpan>();
        var sut = new SizeOrAgeBatcher<Run>(10, TimeSpan.FromSeconds(2), inputCapacity: 16, outputCapacity: 16,
            r => r.Count, (r, n) => (new Run(r.Start, n), new Run(r.Start + n, r.Count - n)), time, ages.Add);

        // A full batch leaves at once; a trickle's partial batch leaves when its first row is MaxBatchAge old.
        await sut.Block.SendAsync(new Run(0, 10));
        var full = await sut.Block.ReceiveAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await sut.Block.SendAsync(new Run(10, 1));
        await WaitUntil(() => sut.InputCount == 0);
        await Task.Delay(50);
        time.Advance(TimeSpan.FromSeconds(2));
        var partial = await sut.Block.ReceiveAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal((10, 1), (full.Sum(r => r.Count), partial.Sum(r => r.Count)));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2)], ages);
    }

    [Fact]
    public async Task Batch_SteadyTrickle_NeverHeldPastMaxAge()
    {
        var time = new FakeTimeProvider();
        var sut = CreateSut(1000, time);
        var received = new List<IReadOnlyList<Run>>();
        for (var i = 0; i < 10; i++)
        {
            await sut.Block.SendAsync(new Run(i, 1));
            await WaitUntil(() => sut.InputCount == 0);
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
            while (((IReceivableSourceBlock<IReadOnlyList<Run>>)sut.Block).TryReceive(out var batch))
            {
                received.Add(batch);
            }
        }

        // A debounce would have emitted nothing: every item came 0.5 s after the previous one.
        Assert.True(received.Count >= 2, $"batches emitted: {received.Count}");
        Assert.All(received, b => Assert.True(b.Sum(r => r.Count) <= 5));
    }

    [Fact]
    public async Task Complete_PartialBatch_IsFlushed()
    {
        var sut = CreateSut(100, new FakeTimeProvider());
        await sut.Block.SendAsync(new Run(0, 3));
        sut.Block.Complete();

        var batches = await Drain(sut.Block);

        Assert.Equal(3, Assert.Single(batches).Sum(r => r.Count));
        await sut.Block.Completion;
    }

    [Fact]
    public async Task Fault_Input_PropagatesToOutput()
    {
        var sut = CreateSut(100, new FakeTimeProvider());
        sut.Block.Fault(new InvalidOperationException("boom"));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => sut.Block.Completion);
        Assert.Contains("boom", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backpressure_OutputFull_InputStopsAccepting()
    {
        var sut = new SizeOrAgeBatcher<Run>(1, TimeSpan.FromSeconds(2), inputCapacity: 2, outputCapacity: 1,
            r => r.Count, (r, n) => (new Run(r.Start, n), new Run(r.Start + n, r.Count - n)), new FakeTimeProvider());

        // 1 batch in the output, 1 being sent by the loop, 2 in the input: the next send must wait.
        var accepted = 0;
        for (var i = 0; i < 4; i++)
        {
            await sut.Block.SendAsync(new Run(i, 1));
            accepted++;
        }

        var blocked = sut.Block.SendAsync(new Run(4, 1));
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted);

        Assert.True(((IReceivableSourceBlock<IReadOnlyList<Run>>)sut.Block).TryReceive(out _));
        Assert.True(await blocked.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(4, accepted);
    }

    private static async Task<List<IReadOnlyList<Run>>> Drain(IPropagatorBlock<Run, IReadOnlyList<Run>> propagator)
    {
        var list = new List<IReadOnlyList<Run>>();
        while (await propagator.OutputAvailableAsync())
        {
            while (((IReceivableSourceBlock<IReadOnlyList<Run>>)propagator).TryReceive(out var batch))
            {
                list.Add(batch);
            }
        }

        return list;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
        await Task.Delay(20);
    }
}
