using System.Threading.RateLimiting;
using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

public sealed class RedisRateLimitLeaseTests
{
    [Fact]
    public void Granted_CarriesNoMetadata()
    {
        var lease = RedisRateLimitLease.Granted;

        Assert.True(lease.IsAcquired);
        Assert.Empty(lease.MetadataNames);
        Assert.False(lease.TryGetMetadata(MetadataName.RetryAfter, out _));
    }

    [Fact]
    public void Refused_CarriesTheStandardRetryAfterAndReason()
    {
        using var lease = RedisRateLimitLease.Refused(TimeSpan.FromMilliseconds(1500), RedisRateLimitLease.MaxWaitReason);

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), retryAfter);
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(RedisRateLimitLease.MaxWaitReason, reason);
        Assert.Equal([MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name], lease.MetadataNames);
    }

    [Fact]
    public void Refused_NegativeRetryAfter_IsZero()
    {
        using var lease = RedisRateLimitLease.Refused(TimeSpan.FromSeconds(-1), RedisRateLimitLease.CooldownReason);

        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.Zero, retryAfter);
    }
}
