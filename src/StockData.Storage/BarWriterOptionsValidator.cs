using Microsoft.Extensions.Options;

namespace StockData.Storage;

/// <summary>Rules across fields.</summary>
public sealed class BarWriterOptionsValidator : IValidateOptions<BarWriterOptions>
{
    public ValidateOptionsResult Validate(string? name, BarWriterOptions options) =>
        options.RetryMaxDelay < options.RetryBaseDelay
            ? ValidateOptionsResult.Fail(
                $"StockData:Writer:RetryMaxDelay ({options.RetryMaxDelay}) is shorter than StockData:Writer:RetryBaseDelay " +
                $"({options.RetryBaseDelay}): set StockData__Writer__RetryMaxDelay to at least the base delay")
            : ValidateOptionsResult.Success;
}
