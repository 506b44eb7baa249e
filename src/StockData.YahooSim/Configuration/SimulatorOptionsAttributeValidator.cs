using Microsoft.Extensions.Options;

namespace StockData.YahooSim.Configuration;

/// <summary>The data-annotation rules of <see cref="SimulatorOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class SimulatorOptionsAttributeValidator : IValidateOptions<SimulatorOptions>;
