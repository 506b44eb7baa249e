using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

public sealed class LocalBucketSettingsTests
{
    [Theory]
    // rate, burst, replicas → share rate, share burst
    [InlineData(1, 2, 1, 1, 2)] // the Yahoo defaults, one replica: the whole limit
    [InlineData(1, 2, 3, 0.3333333333, 1)] // a third each; a burst of 2 cannot be split below one
    [InlineData(40, 10, 3, 13.3333333333, 3)] // rounded down: 3 x 3 never exceeds the shared 10
    [InlineData(1000, 100, 2, 500, 50)]
    [InlineData(0.5, 1, 1000, 0.0005, 1)]
    public void Share_SplitsTheSharedLimitByReplicas(double rate, int burst, int replicas, double shareRate, int shareBurst)
    {
        var options = new RateLimitOptions { PermitsPerSecond = rate, Burst = burst, Replicas = replicas };

        Assert.Equal(shareRate, LocalBucketSettings.ShareRate(options), tolerance: 1e-9);
        Assert.Equal(shareBurst, LocalBucketSettings.ShareBurst(options));
    }
}
