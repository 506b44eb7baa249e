using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StockData.Storage;

/// <summary>
/// Intraday partitions and retention: section <c>StockData:Retention</c>. intraday_bars is partitioned by interval and
/// month (migration 0011); retention per interval drops whole month partitions (docs/scaling.md, "Partitioned
/// intraday bars and retention").
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed partial class RetentionOptions
{
    public const string SectionName = "StockData:Retention";

    /// <summary>
    /// How long each intraday interval's bars are kept, e.g. <c>Intervals:1m=90d</c> (days <c>d</c> or weeks <c>w</c>).
    /// An interval not listed is kept forever. A month partition is dropped once its whole month is older than this.
    /// </summary>
    /// <value>Default empty: everything kept forever.</value>
    public Dictionary<string, string> Intervals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Month partitions kept created ahead of the current month, per interval.</summary>
    /// <value>Default 2.</value>
    [Range(1, 24)]
    public int PartitionMonthsAhead { get; set; } = 2;

    /// <summary>
    /// Month partitions created behind the current month, per interval (within retention), so a first fetch of recent
    /// history finds them; older rows land in the DEFAULT partition and are moved by the next maintenance run.
    /// </summary>
    /// <value>Default 2.</value>
    [Range(0, 120)]
    public int PartitionMonthsBehind { get; set; } = 2;

    /// <summary>How often the daemon runs partition maintenance (create ahead, empty the defaults, retention).</summary>
    /// <value>Default 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The parsed <see cref="Intervals"/> (validated at start-up, so every entry parses).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Keep() =>
        Intervals.ToDictionary(p => p.Key, p => TryParseDuration(p.Value, out var d) ? d : throw new FormatException(p.Value), StringComparer.Ordinal);

    /// <summary>Parses <c>90d</c> (days) or <c>13w</c> (weeks), at least one day.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : Duration().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 36500)
        {
            return false;
        }

        duration = TimeSpan.FromDays(match.Groups[2].Value == "w" ? n * 7 : n);
        return true;
    }

    [GeneratedRegex("^([0-9]{1,6})([dw])$")]
    private static partial Regex Duration();
}
