using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Quality;

/// <summary>Attribute rules of <see cref="QualityOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class QualityOptionsAttributeValidator : IValidateOptions<QualityOptions>;
