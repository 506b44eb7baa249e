using System.ComponentModel.DataAnnotations;

namespace StockData.Pipeline.Daemon;

/// <summary>The hosted worker's schedule and leases (<c>stockdata run</c>): section <c>StockData:Daemon</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class DaemonOptions
{
    public const string SectionName = "StockData:Daemon";

    /// <summary>Claim and fetch scheduled symbols and job items. Off: the replica only serves HTTP (bars, jobs, metrics).</summary>
    /// <value>Default true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>This replica's name in <c>lease_owner</c>; unique per running process.</summary>
    /// <value>Default unset: host name and process id (<see cref="EffectiveReplicaId"/>).</value>
    [RegularExpression("^[A-Za-z0-9_.:@-]{1,100}$", ErrorMessage = "must be 1-100 characters of A-Z, a-z, 0-9, _ . : @ -")]
    public string? ReplicaId { get; set; }

    /// <summary>
    /// How long a claim holds a symbol or job item without renewal. Held leases are renewed every third of it, so this
    /// bounds how long a crashed replica's work waits before another replica takes it over.
    /// </summary>
    /// <value>Default 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle replica looks for due symbols and pending job items.</summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows claimed per claim query; a replica claims again once this many of its leases have finished.</summary>
    /// <value>Default 8.</value>
    [Range(1, 1000)]
    public int ClaimBatchSize { get; set; } = 8;

    /// <summary>
    /// The most leases one replica holds (claimed, queued or in flight). Small enough that the other replicas get their
    /// share and a crash strands little; large enough to keep the fetch stage busy.
    /// </summary>
    /// <value>Default 24.</value>
    [Range(1, 10_000)]
    public int MaxLeases { get; set; } = 24;

    /// <summary>Daily bars: the next fetch is this long after the session end the last response reported.</summary>
    /// <value>Default 30 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DailyRefreshDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Daily bars, when that session end has passed (or no response said): the next fetch is at this local time of the
    /// next weekday in the exchange's zone.
    /// </summary>
    /// <value>Default 01:00.</value>
    [Range(typeof(TimeSpan), "00:00:00", "23:59:59")]
    public TimeSpan DailyFallbackTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Intraday bars: the next fetch is this long after the last.</summary>
    /// <value>Default 15 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IntradayRefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A symbol that answered not found is tried again only after this long.</summary>
    /// <value>Default 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan NotFoundRetry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A failing symbol's first retry delay; it doubles with each consecutive failure up to <see cref="FailureBackoffMax"/>.</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan FailureBackoffBase { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a failing symbol waits between tries.</summary>
    /// <value>Default 6 hours.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan FailureBackoffMax { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A job item whose worker died this many times is failed as <c>abandoned</c> instead of handed out again.</summary>
    /// <value>Default 3.</value>
    [Range(1, 100)]
    public int JobItemMaxAttempts { get; set; } = 3;

    /// <summary>How often the store-wide gauges (symbols and job items by status, due, overdue) are read.</summary>
    /// <value>Default 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StoreMetricsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A scheduled symbol due for longer than this counts as overdue (<c>stockdata_symbols_overdue</c>).</summary>
    /// <value>Default 2 hours: a 5,000-symbol daily wave at Yahoo's pace takes well over an hour to drain by design.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>After the pipeline stops on a fatal error (PostgreSQL unreachable), it is started again after this delay.</summary>
    /// <value>Default 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The replica id in use: <see cref="ReplicaId"/>, else <c>hostname-pid</c>.</summary>
    public string EffectiveReplicaId => ReplicaId ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Leases are renewed this often: a third of the lease, so two renewals can fail before one expires.</summary>
    public TimeSpan RenewInterval => LeaseDuration / 3;
}
