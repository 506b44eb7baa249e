using Microsoft.Extensions.Options;
using StockData.Upstream.Egress;
using StockData.Upstream.Redis;
using StockData.Yahoo;
using StockData.Yahoo.Egress;

namespace StockData.UnitTests.Upstream.Egress;

public sealed class EgressConfigurationTests
{
    [Fact]
    public void Validate_PoolAndRateLimitEgressId_BothSet_FailsNamingBoth()
    {
        var validator = new EgressConfigurationValidator(Options.Create(new RateLimitOptions { EgressId = "203.0.113.7" }));
        var pool = new YahooOptions { Egress = [new YahooEgressOptions { Id = "a" }] };

        var result = validator.Validate(null, pool);

        Assert.True(result.Failed);
        Assert.Contains("StockData:RateLimit:EgressId ('203.0.113.7') and StockData:Yahoo:Egress are both set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EitherAlone_Passes()
    {
        Assert.True(new EgressConfigurationValidator(Options.Create(new RateLimitOptions { EgressId = "203.0.113.7" }))
            .Validate(null, new YahooOptions()).Succeeded);
        Assert.True(new EgressConfigurationValidator(Options.Create(new RateLimitOptions()))
            .Validate(null, new YahooOptions { Egress = [new YahooEgressOptions { Id = "a" }] }).Succeeded);
    }

    [Fact]
    public void RateLimitKeys_PoolEgress_ScopedByItsId_DefaultEgress_KeepsTheSingleEgressScope()
    {
        var options = new RateLimitOptions { Upstream = "yahoo", KeyPrefix = "x:" };

        Assert.Equal("x:{yahoo@dc-1}:tat", new RateLimitKeys(options.ForEgress("dc-1")).Bucket);
        Assert.Equal("x:{yahoo}:tat", new RateLimitKeys(options).Bucket);
        // The copy is a copy: the shared options keep their own scope.
        Assert.Null(options.EgressId);
    }
}
