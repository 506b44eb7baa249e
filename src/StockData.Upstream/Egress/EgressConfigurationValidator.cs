using Microsoft.Extensions.Options;
using StockData.Upstream.Redis;
using StockData.Yahoo;

namespace StockData.Upstream.Egress;

/// <summary>
/// The two ways to name an egress must not meet: <c>StockData:RateLimit:EgressId</c> scopes a single-egress service,
/// <c>StockData:Yahoo:Egress</c> lists a pool whose ids scope each egress; with both, which keys a replica uses would be
/// a guess.
/// </summary>
public sealed class EgressConfigurationValidator(IOptions<RateLimitOptions> rateLimit) : IValidateOptions<YahooOptions>
{
    public ValidateOptionsResult Validate(string? name, YahooOptions options) =>
        options.Egress.Count > 0 && !string.IsNullOrEmpty(rateLimit.Value.EgressId)
            ? ValidateOptionsResult.Fail(
                $"{RateLimitOptions.SectionName}:EgressId ('{rateLimit.Value.EgressId}') and {YahooOptions.SectionName}:Egress are both set: " +
                $"with an egress pool each egress's id scopes its bucket; remove {RateLimitOptions.SectionName}:EgressId " +
                $"(or give that id to an item of {YahooOptions.SectionName}:Egress)")
            : ValidateOptionsResult.Success;
}
