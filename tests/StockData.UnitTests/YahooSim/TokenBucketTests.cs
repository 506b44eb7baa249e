using Microsoft.Extensions.Time.Testing;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;

namespace StockData.UnitTests.YahooSim;

public sealed class TokenBucketTests
{
    private static (TokenBucket Bucket, FakeTimeProvider Time) CreateSut(double rate, int burst)
    {
        var time = new FakeTimeProvider();
        return (new TokenBucket(Microsoft.Extensions.Options.Options.Create(new SimulatorOptions { Rate = rate, Burst = burst }), time), time);
    }

    [Fact]
    public void TryTake_BurstThenRefused_RetryAfterIsTimeToNextToken()
    {
        var (bucket, _) = CreateSut(rate: 4, burst: 3);

        Assert.True(bucket.TryTake(out _));
        Assert.True(bucket.TryTake(out _));
        Assert.True(bucket.TryTake(out _));
        Assert.False(bucket.TryTake(out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(250), wait);
    }

    [Fact]
    public void TryTake_RefillsContinuouslyUpToBurst()
    {
        var (bucket, time) = CreateSut(rate: 2, burst: 2);
        Assert.True(bucket.TryTake(out _));
        Assert.True(bucket.TryTake(out _));
        Assert.False(bucket.TryTake(out _));

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(bucket.TryTake(out _));
        Assert.False(bucket.TryTake(out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(bucket.TryTake(out _));
        Assert.True(bucket.TryTake(out _));
        Assert.False(bucket.TryTake(out _));
    }

    [Fact]
    public void TryTake_GrantedOverTimeNeverExceedsRateTimesTimePlusBurst()
    {
        var (bucket, time) = CreateSut(rate: 40, burst: 5);
        var granted = 0;
        for (var step = 0; step < 10_000; step++)
        {
            if (bucket.TryTake(out _))
            {
                granted++;
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // 10 s at 40/s plus the burst.
        Assert.InRange(granted, 400, 405);
    }

    [Fact]
    public void TryTake_RateZero_Unlimited()
    {
        var (bucket, _) = CreateSut(rate: 0, burst: 1);

        Assert.False(bucket.Enabled);
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(bucket.TryTake(out var wait), $"request {i}"));
    }

    [Fact]
    public void Reset_RefillsTheBucket()
    {
        var (bucket, _) = CreateSut(rate: 0.1, burst: 1);
        Assert.True(bucket.TryTake(out _));
        Assert.False(bucket.TryTake(out _));

        bucket.Reset();

        Assert.True(bucket.TryTake(out _));
    }
}
