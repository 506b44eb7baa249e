using Microsoft.Extensions.Options;

namespace StockData.Upstream.Redis;

/// <summary>Rules across settings of <see cref="RateLimitOptions"/>, each message naming the settings to change.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.MaxCooldown < options.DefaultCooldown)
        {
            builder.AddError(
                $"{RateLimitOptions.SectionName}:MaxCooldown ({options.MaxCooldown}) must be at least " +
                $"{RateLimitOptions.SectionName}:DefaultCooldown ({options.DefaultCooldown})");
        }

        if (options.InstantBurst > options.Burst)
        {
            builder.AddError(
                $"{RateLimitOptions.SectionName}:InstantBurst ({options.InstantBurst}) must be at most " +
                $"{RateLimitOptions.SectionName}:Burst ({options.Burst})");
        }

        if (!Enum.IsDefined(options.Fallback))
        {
            builder.AddError($"{RateLimitOptions.SectionName}:Fallback must be Local or Pause");
        }

        if (!double.IsFinite(options.PermitsPerSecond))
        {
            builder.AddError($"{RateLimitOptions.SectionName}:PermitsPerSecond must be a finite number");
        }

        return builder.Build();
    }
}
