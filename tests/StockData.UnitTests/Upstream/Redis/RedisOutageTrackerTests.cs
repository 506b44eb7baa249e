using Microsoft.Extensions.Time.Testing;
using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

public sealed class RedisOutageTrackerTests
{
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Up_EveryCallGoesToRedis()
    {
        var tracker = new RedisOutageTracker(_time, Probe);

        Assert.True(tracker.TryBeginCall());
        Assert.True(tracker.TryBeginCall());
        Assert.False(tracker.IsActive);
        Assert.Equal(TimeSpan.Zero, tracker.UntilNextProbe());
    }

    [Fact]
    public void Failures_StartOneOutage_ReportedOnce()
    {
        var tracker = new RedisOutageTracker(_time, Probe);

        Assert.True(tracker.RecordFailure());
        Assert.False(tracker.RecordFailure());
        Assert.False(tracker.RecordFailure());

        Assert.True(tracker.IsActive);
        Assert.Equal(1, tracker.Episodes);
    }

    [Fact]
    public void Down_OneProbePerInterval()
    {
        var tracker = new RedisOutageTracker(_time, Probe);
        tracker.RecordFailure();

        Assert.False(tracker.TryBeginCall());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(tracker.TryBeginCall());
        Assert.Equal(TimeSpan.FromSeconds(3), tracker.UntilNextProbe());
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(tracker.TryBeginCall()); // the probe
        Assert.False(tracker.TryBeginCall()); // everyone else keeps the fallback
        _time.Advance(Probe);
        Assert.True(tracker.TryBeginCall());
    }

    [Fact]
    public void Success_OfACallStartedBeforeTheOutage_DoesNotEndIt()
    {
        var tracker = new RedisOutageTracker(_time, Probe);
        var startedEarlier = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        tracker.RecordFailure();

        Assert.Null(tracker.RecordSuccess(startedEarlier));
        Assert.True(tracker.IsActive);
    }

    [Fact]
    public void Success_OfAProbe_EndsTheOutage_WithItsLength()
    {
        var tracker = new RedisOutageTracker(_time, Probe);
        tracker.RecordFailure();
        _time.Advance(TimeSpan.FromSeconds(7));
        var probeStarted = _time.GetTimestamp();

        Assert.Equal(TimeSpan.FromSeconds(7), tracker.RecordSuccess(probeStarted));
        Assert.Null(tracker.RecordSuccess(probeStarted));
        Assert.False(tracker.IsActive);
        Assert.True(tracker.RecordFailure()); // a new outage is reported again
        Assert.Equal(2, tracker.Episodes);
    }
}
