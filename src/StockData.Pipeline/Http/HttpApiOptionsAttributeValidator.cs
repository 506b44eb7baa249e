using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Http;

/// <summary>Attribute rules of <see cref="HttpApiOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class HttpApiOptionsAttributeValidator : IValidateOptions<HttpApiOptions>;
