using Microsoft.Extensions.Options;

namespace StockData.Storage;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
public sealed partial class BarWriterOptionsAttributeValidator : IValidateOptions<BarWriterOptions>;
