using Microsoft.Extensions.Options;

namespace StockData.Upstream.Redis;

/// <summary>Attribute rules of <see cref="RateLimitOptions"/>, source-generated.</summary>
[OptionsValidator]
public sealed partial class RateLimitOptionsAttributeValidator : IValidateOptions<RateLimitOptions>;
