using System.ComponentModel.DataAnnotations;
using StockData.Storage.Quality;

namespace StockData.Pipeline.Quality;

/// <summary>Gap detection and repair (docs/data-quality.md): section <c>StockData:Quality</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class QualityOptions
{
    public const string SectionName = "StockData:Quality";

    /// <summary><c>stockdata run</c> scans for gaps and enqueues their repairs every <see cref="ScanInterval"/>.</summary>
    /// <value>Default true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the daemon scans (one replica at a time: the others skip their turn). A scan reads every stored daily bar.</summary>
    /// <value>Default 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A date is a trading date of an exchange when at least this share of its peers has a bar on it.</summary>
    /// <value>Default 0.8.</value>
    [Range(0.5, 1.0)]
    public double PeerShare { get; set; } = 0.8;

    /// <summary>Fewest peers (the exchange's symbols whose stored history spans the date) for a date to count; thinner exchanges are not checked.</summary>
    /// <value>Default 5.</value>
    [Range(2, 100_000)]
    public int MinPeers { get; set; } = 5;

    /// <summary>How far (calendar days) a symbol's own range is widened to its exchange's first or last trading date.</summary>
    /// <value>Default 10.</value>
    [Range(0, 366)]
    public int EdgeDays { get; set; } = 10;

    /// <summary>Repair fetches that come back still lacking the data before a gap is confirmed missing and no longer retried.</summary>
    /// <value>Default 3.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Relative step of adj_close / close between two stored daily bars that reveals a dividend (one missing when none is stored).</summary>
    /// <value>Default 0.0001.</value>
    [Range(1e-7, 0.5)]
    public double DividendStep { get; set; } = 0.0001;

    /// <summary>How often the quality gauges are read from the store.</summary>
    /// <value>Default 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary><c>stockdata quality repair</c>: how long its claims on repair items last (it does not renew them).</summary>
    /// <value>Default 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan RepairLease { get; set; } = TimeSpan.FromMinutes(10);

    internal GapRules Rules => new(PeerShare, MinPeers, EdgeDays, MaxAttempts, DividendStep);
}
