using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Market;

namespace StockData.YahooSim.Hosting;

/// <summary>Cross-field rules: fault probabilities that fit in one draw, a compilable pattern, readable halts.</summary>
internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        var sum = options.Fault429 + options.Fault500 + options.Fault503 + options.FaultTruncate + options.FaultSlow + options.FaultReset;
        if (sum > 1.0 + 1e-9)
        {
            builder.AddError($"The fault probabilities (--fault-429, --fault-500, --fault-503, --fault-truncate, --fault-slow, --fault-reset) sum to {sum}; they are exclusive and must sum to at most 1.");
        }

        try
        {
            _ = new Regex(options.NotFoundPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            builder.AddError($"--not-found-pattern '{options.NotFoundPattern}' is not a regular expression: {ex.Message}");
        }

        if (!HaltList.TryParse(options.Halts, out _, out var error))
        {
            builder.AddError($"--halts: {error}");
        }

        return builder.Build();
    }
}
