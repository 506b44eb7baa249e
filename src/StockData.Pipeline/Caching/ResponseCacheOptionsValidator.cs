using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Caching;

/// <summary>Attribute rules of <see cref="ResponseCacheOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class ResponseCacheOptionsValidator : IValidateOptions<ResponseCacheOptions>;
