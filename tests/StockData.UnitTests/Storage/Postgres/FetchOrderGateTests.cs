using Microsoft.Extensions.Time.Testing;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.UnitTests.Storage.Postgres;

public sealed class FetchOrderGateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new();
    private readonly FetchOrderGate _gate = new();
    private readonly List<FetchSpan> _timedOut = [];

    [Fact]
    public async Task EnterAsync_WholeFetch_GoesAtOnceAndIsNotTracked()
    {
        var ordered = await EnterAsync(Span(1, 0, 10, last: true));

        Assert.Equal([true], ordered);
        _gate.Exit([Span(1, 0, 10, last: true)], committed: true);
        Assert.Equal(0, _gate.TrackedFetches);
    }

    [Fact]
    public async Task EnterAsync_LaterChunk_WaitsForTheEarlierOneThenSeesItCommitted()
    {
        var first = Span(1, 0, 10, last: false);
        var second = Span(1, 10, 15, last: true);
        await EnterAsync(first);

        var waiting = EnterAsync(second);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        _gate.Exit([first], committed: true);

        var result = await waiting;
        Assert.Equal([true], result);
        _gate.Exit([second], committed: true);
        Assert.Equal(0, _gate.TrackedFetches);
    }

    [Fact]
    public async Task EnterAsync_EarlierChunkFailed_LaterGoesButMayNotCompleteTheFetch()
    {
        var first = Span(1, 0, 10, last: false);
        await EnterAsync(first);
        _gate.Exit([first], committed: false);

        var result = await EnterAsync(Span(1, 10, 15, last: true));
        Assert.Equal([false], result);
    }

    [Fact]
    public async Task EnterAsync_LaterChunkArrivesFirst_StillWaits()
    {
        var waiting = EnterAsync(Span(1, 10, 20, last: false), Span(2, 0, 5, last: true));
        Assert.False(waiting.IsCompleted);

        await EnterAsync(Span(1, 0, 10, last: false));
        _gate.Exit([Span(1, 0, 10, last: false)], committed: true);

        var result = await waiting;
        Assert.Equal([true, true], result);
    }

    [Fact]
    public async Task EnterAsync_EarlierChunkNeverComes_GoesAheadAfterTheTimeoutWithoutCompleting()
    {
        var waiting = EnterAsync(Span(1, 10, 20, last: true));
        Assert.False(waiting.IsCompleted);

        _time.Advance(Timeout + TimeSpan.FromSeconds(1));

        var result = await waiting;
        Assert.Equal([false], result);
        Assert.Single(_timedOut);
    }

    [Fact]
    public async Task EnterAsync_FailedLastChunkHandedAgain_GoesAtOnceAndMayComplete()
    {
        var first = Span(1, 0, 10, last: false);
        var last = Span(1, 10, 15, last: true);
        await EnterAsync(first);
        _gate.Exit([first], committed: true);
        await EnterAsync(last);
        _gate.Exit([last], committed: false);

        var again = EnterAsync(last);

        Assert.True(again.IsCompleted);
        var result = await again;
        Assert.Equal([true], result);
        _gate.Exit([last], committed: true);
        Assert.Equal(0, _gate.TrackedFetches);
    }

    [Fact]
    public async Task EnterAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        var waiting = _gate.EnterAsync([Span(1, 10, 20, last: true)], Timeout, _time, _timedOut.Add, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private Task<bool[]> EnterAsync(params FetchSpan[] spans) =>
        _gate.EnterAsync(spans, Timeout, _time, _timedOut.Add, TestContext.Current.CancellationToken);

    private static FetchSpan Span(long fetchId, int first, int end, bool last) =>
        new(fetchId, "S" + fetchId, BarInterval.Daily, false, first, end, last, null, null);
}
