using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

public sealed class RateLimitKeysTests
{
    [Fact]
    public void Keys_OneUpstream_ShareAHashTag()
    {
        var keys = new RateLimitKeys(new RateLimitOptions());

        Assert.Equal("yahoo", keys.Scope);
        Assert.Equal("stockdata:rl:{yahoo}:tat", keys.Bucket);
        Assert.Equal("stockdata:rl:{yahoo}:cooldown", keys.Cooldown);
        Assert.Equal("stockdata:rl:{yahoo}:strikes", keys.Strikes);
    }

    [Fact]
    public void Keys_WithEgressId_AreScopedToIt()
    {
        var keys = new RateLimitKeys(new RateLimitOptions { Upstream = "yahoo", EgressId = "203.0.113.7", KeyPrefix = "x:" });

        Assert.Equal("yahoo@203.0.113.7", keys.Scope);
        Assert.Equal("x:{yahoo@203.0.113.7}:tat", keys.Bucket);
        Assert.Equal("x:{yahoo@203.0.113.7}:cooldown", keys.Cooldown);
    }
}
