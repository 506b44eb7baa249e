using Microsoft.Extensions.Options;

namespace StockData.Upstream.Caching;

/// <summary>Attribute rules of <see cref="ResponseCacheOptions"/>, source-generated.</summary>
[OptionsValidator]
public sealed partial class ResponseCacheOptionsValidator : IValidateOptions<ResponseCacheOptions>;
