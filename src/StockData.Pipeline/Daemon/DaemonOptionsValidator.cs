using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Daemon;

/// <summary>Rules across settings of <see cref="DaemonOptions"/>, each message naming the settings to change.</summary>
internal sealed class DaemonOptionsValidator : IValidateOptions<DaemonOptions>
{
    public ValidateOptionsResult Validate(string? name, DaemonOptions options)
    {
        const string s = DaemonOptions.SectionName;
        var builder = new ValidateOptionsResultBuilder();
        if (options.ClaimBatchSize > options.MaxLeases)
        {
            builder.AddError($"{s}:ClaimBatchSize ({options.ClaimBatchSize}) must not exceed {s}:MaxLeases ({options.MaxLeases})");
        }

        if (options.FailureBackoffMax < options.FailureBackoffBase)
        {
            builder.AddError($"{s}:FailureBackoffMax ({options.FailureBackoffMax}) must be at least {s}:FailureBackoffBase ({options.FailureBackoffBase})");
        }

        return builder.Build();
    }
}
