using Microsoft.Extensions.Options;

namespace StockData.Upstream.Fetching;

/// <summary>Rules across settings of <see cref="FetchOptions"/>, each message naming the settings to change.</summary>
public sealed class FetchOptionsCrossValidator : IValidateOptions<FetchOptions>
{
    public ValidateOptionsResult Validate(string? name, FetchOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.RetryBaseDelay > options.RetryMaxDelay)
        {
            builder.AddError($"{FetchOptions.SectionName}:RetryBaseDelay ({options.RetryBaseDelay}) must not exceed " +
                             $"{FetchOptions.SectionName}:RetryMaxDelay ({options.RetryMaxDelay})");
        }

        if (options.CircuitBreaker is null)
        {
            builder.AddError($"{FetchOptions.SectionName}:CircuitBreaker must be set");
        }
        else if (!double.IsFinite(options.CircuitBreaker.FailureRatio))
        {
            builder.AddError($"{FetchOptions.SectionName}:CircuitBreaker:FailureRatio must be a finite number");
        }

        return builder.Build();
    }
}
