using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Daemon;

/// <summary>Attribute rules of <see cref="DaemonOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class DaemonOptionsAttributeValidator : IValidateOptions<DaemonOptions>;
