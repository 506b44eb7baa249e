using Microsoft.Extensions.Time.Testing;
using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

/// <summary>The in-process fallback bucket: the Lua script's GCRA reservation, on a fake clock.</summary>
public sealed class LocalTokenBucketTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Reserve_BurstAtOnce_ThenSlotsOneIntervalApart_InOrder()
    {
        var bucket = new LocalTokenBucket(_time, permitsPerSecond: 2, burst: 3);

        var delays = Enumerable.Range(0, 7).Select(_ => bucket.Reserve(1, Long)).ToList();

        Assert.All(delays, r => Assert.True(r.Granted));
        Assert.Equal([0, 0, 0, 500, 1000, 1500, 2000], delays.Select(r => r.Delay.TotalMilliseconds));
        Assert.Equal([2, 1, 0, -1, -2, -3, -4], delays.Select(r => r.Available));
    }

    [Fact]
    public void Reserve_RefillsContinuously()
    {
        var bucket = new LocalTokenBucket(_time, permitsPerSecond: 2, burst: 3);
        for (var i = 0; i < 3; i++)
        {
            bucket.Reserve(1, Long);
        }

        _time.Advance(TimeSpan.FromMilliseconds(750)); // 1.5 permits back

        Assert.Equal(1, bucket.Available());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(1, Long).Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), bucket.Reserve(1, Long).Delay);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, bucket.Available()); // never above the burst, however long idle
    }

    [Fact]
    public void Reserve_BeyondMaxWait_RefusedWithTheDelay_AndSpendsNothing()
    {
        var bucket = new LocalTokenBucket(_time, permitsPerSecond: 2, burst: 1);
        bucket.Reserve(1, Long);
        bucket.Reserve(1, Long); // 500 ms ahead

        var refused = bucket.Reserve(1, TimeSpan.FromMilliseconds(800)); // would be 1000 ms ahead
        var next = bucket.Reserve(1, Long);

        Assert.False(refused.Granted);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Delay);
        Assert.Equal(TimeSpan.FromSeconds(1), next.Delay);
    }

    [Fact]
    public void Reserve_ZeroPermits_OnlyAsks()
    {
        var bucket = new LocalTokenBucket(_time, permitsPerSecond: 2, burst: 1);

        Assert.True(bucket.Reserve(0, TimeSpan.Zero).Granted);
        Assert.True(bucket.Reserve(1, TimeSpan.Zero).Granted);
        var asked = bucket.Reserve(0, TimeSpan.Zero);

        Assert.False(asked.Granted);
        Assert.Equal(Interval, asked.Delay);
        Assert.Equal(0, bucket.Available());
    }

    [Fact]
    public void Reserve_SlowRates_StayExact()
    {
        var bucket = new LocalTokenBucket(_time, permitsPerSecond: 1.0 / 3, burst: 1); // one per 3 s: a third of 1/s

        bucket.Reserve(1, Long);
        var second = bucket.Reserve(1, Long);
        _time.Advance(TimeSpan.FromSeconds(3));
        var third = bucket.Reserve(1, Long);

        Assert.Equal(TimeSpan.FromSeconds(3), second.Delay);
        Assert.Equal(TimeSpan.FromSeconds(3), third.Delay);
    }
}
