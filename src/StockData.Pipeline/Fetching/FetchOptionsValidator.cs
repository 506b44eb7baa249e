using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Fetching;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
internal sealed partial class FetchOptionsValidator : IValidateOptions<FetchOptions>;
