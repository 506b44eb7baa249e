using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StockData.Upstream.Fetching;

namespace StockData.UnitTests.Upstream.Fetching;

/// <summary>The 401 pause on a fake clock: N in a row pause, the pause ends after the cooldown, a success resets the run.</summary>
public sealed class UnauthorizedGateTests
{
    private const int Threshold = 3;
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private UnauthorizedGate NewGate() => new(Threshold, Cooldown, _time, NullLogger<UnauthorizedGate>.Instance);

    [Fact]
    public void ThresholdUnauthorizedInARow_Pause_UntilTheCooldownHasPassed()
    {
        var gate = NewGate();
        gate.Observe(401);
        gate.Observe(403);
        Assert.False(gate.IsPaused);

        gate.Observe(401);

        Assert.True(gate.IsPaused);
        _time.Advance(Cooldown - TimeSpan.FromMilliseconds(1));
        Assert.True(gate.IsPaused);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(gate.IsPaused);
    }

    [Fact]
    public void ASuccess_ResetsTheCount()
    {
        var gate = NewGate();
        gate.Observe(401);
        gate.Observe(401);

        gate.Observe(200);
        gate.Observe(401);
        gate.Observe(401);

        Assert.False(gate.IsPaused);
        gate.Observe(401);
        Assert.True(gate.IsPaused);
    }

    [Fact]
    public async Task WaitAsync_HoldsAFetch_ForTheRestOfThePause()
    {
        var gate = NewGate();
        for (var i = 0; i < Threshold; i++)
        {
            gate.Observe(401);
        }

        _time.Advance(TimeSpan.FromSeconds(20));
        var wait = gate.WaitAsync(TestContext.Current.CancellationToken);
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(39));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(wait.IsCompletedSuccessfully);

        // No pause in force: a fetch is not held at all.
        Assert.True(gate.WaitAsync(TestContext.Current.CancellationToken).IsCompletedSuccessfully);
    }
}
