using StockData.Pipeline.Http;

namespace StockData.UnitTests.Http;

public sealed class SingleFlightTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_ConcurrentCallsForOneKey_OneRunSharedByAll()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;

        var callers = Enumerable.Range(0, 100).Select(_ => flights.RunAsync("AAPL|1d", async () =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return 42;
        }, Ct)).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal(42, r));
        Assert.Equal(0, flights.Count);
    }

    [Fact]
    public async Task RunAsync_DifferentKeys_RunSeparately()
    {
        var flights = new SingleFlight<string, string>();

        var results = await Task.WhenAll(flights.RunAsync("a", () => Task.FromResult("A"), Ct), flights.RunAsync("b", () => Task.FromResult("B"), Ct));

        Assert.Equal(["A", "B"], results);
    }

    [Fact]
    public async Task RunAsync_AfterAFlightEnds_RunsAgain()
    {
        var flights = new SingleFlight<string, int>();
        var runs = 0;

        await flights.RunAsync("k", () => Task.FromResult(Interlocked.Increment(ref runs)), Ct);
        var second = await flights.RunAsync("k", () => Task.FromResult(Interlocked.Increment(ref runs)), Ct);

        Assert.Equal(2, second);
    }

    [Fact]
    public async Task RunAsync_WaiterCancelled_SharedWorkGoesOnForTheOthers()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var impatient = new CancellationTokenSource();

        var first = flights.RunAsync("k", async () => { await gate.Task; return 7; }, impatient.Token);
        var second = flights.RunAsync("k", () => Task.FromResult(-1), Ct);
        await impatient.CancelAsync();
        gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(7, await second);
    }

    [Fact]
    public async Task RunAsync_WorkThrows_EveryWaiterSeesIt_ThenTheKeyIsFree()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var a = flights.RunAsync("k", async () => { await gate.Task; throw new InvalidOperationException("boom"); }, Ct);
        var b = flights.RunAsync("k", () => Task.FromResult(0), Ct);
        gate.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => a);
        await Assert.ThrowsAsync<InvalidOperationException>(() => b);
        Assert.Equal(5, await flights.RunAsync("k", () => Task.FromResult(5), Ct));
    }
}
