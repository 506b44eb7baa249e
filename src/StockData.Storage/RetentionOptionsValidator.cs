using Microsoft.Extensions.Options;
using StockData.Core;

namespace StockData.Storage;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
public sealed partial class RetentionOptionsAttributeValidator : IValidateOptions<RetentionOptions>;

/// <summary>Every retention entry names an intraday interval and a duration, with the way to fix it in the message.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        var intraday = string.Join(", ", BarInterval.Tokens.Where(t => BarInterval.Parse(t).IsIntraday));
        foreach (var (interval, duration) in options.Intervals)
        {
            var key = $"{RetentionOptions.SectionName}:Intervals:{interval}";
            if (!BarInterval.TryParse(interval, out var parsed))
            {
                failures.Add($"{key}: '{interval}' is not a bar interval; retention applies to the intraday intervals {intraday}");
            }
            else if (parsed.IsDailyOrLonger)
            {
                failures.Add($"{key}: '{interval}' bars are kept forever (daily_bars is not partitioned); retention applies to {intraday}");
            }

            if (!RetentionOptions.TryParseDuration(duration, out _))
            {
                failures.Add($"{key}: '{duration}' is not a duration; write days or weeks, e.g. 90d or 13w (at least 1d)");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
