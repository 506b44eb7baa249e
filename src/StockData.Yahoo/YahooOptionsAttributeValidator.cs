using Microsoft.Extensions.Options;

namespace StockData.Yahoo;

/// <summary>The data-annotation rules of <see cref="YahooOptions"/>, source-generated.</summary>
[OptionsValidator]
public sealed partial class YahooOptionsAttributeValidator : IValidateOptions<YahooOptions>;
