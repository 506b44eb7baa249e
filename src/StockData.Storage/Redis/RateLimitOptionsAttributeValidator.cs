using Microsoft.Extensions.Options;

namespace StockData.Storage.Redis;

/// <summary>Attribute rules of <see cref="RateLimitOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class RateLimitOptionsAttributeValidator : IValidateOptions<RateLimitOptions>;
