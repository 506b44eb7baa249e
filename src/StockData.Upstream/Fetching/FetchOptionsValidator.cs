using Microsoft.Extensions.Options;

namespace StockData.Upstream.Fetching;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
public sealed partial class FetchOptionsValidator : IValidateOptions<FetchOptions>;
