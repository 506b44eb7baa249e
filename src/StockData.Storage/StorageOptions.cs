using System.ComponentModel.DataAnnotations;

namespace StockData.Storage;

/// <summary>Storage settings: section <c>StockData:Storage</c>; connection strings live under <c>ConnectionStrings</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class StorageOptions
{
    public const string SectionName = "StockData:Storage";

    /// <summary>The PostgreSQL connection string (from <c>ConnectionStrings:Postgres</c>).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// A streaming standby of the same cluster for reads (from <c>ConnectionStrings:PostgresRead</c>); optional. When set,
    /// the bars, catalog and events endpoints and <c>export</c> read from it, except reads that must see this process's own
    /// recent writes (docs/scaling.md, A read replica).
    /// </summary>
    public string? PostgresReadConnectionString { get; set; }

    /// <summary>
    /// After the standby failed a read or a probe, how long reads go straight to the primary before the standby is tried
    /// again: each request then skips the standby at once instead of waiting for a connect attempt.
    /// </summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StandbyRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a serving process probes the standby and samples its replication lag.</summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StandbyPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The StackExchange.Redis configuration string (from <c>ConnectionStrings:Redis</c>); optional.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// The schema every table lives in. Every statement names it (schema-qualified tables); it is never sent as the
    /// session's search_path, which a pooler in transaction mode refuses or drops.
    /// </summary>
    /// <value>Default <c>public</c>.</value>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "must be a lower-case SQL identifier (a-z, 0-9, _)")]
    public string Schema { get; set; } = "public";

    /// <summary>The most server backends this process may hold: the one data source's pool size.</summary>
    /// <value>Default 20.</value>
    [Range(2, 1000)]
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>The application_name the backends show in pg_stat_activity.</summary>
    /// <value>Default <c>stockdata</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,63}$", ErrorMessage = "must be 1-63 characters of A-Z, a-z, 0-9, _ . : -")]
    public string ApplicationName { get; set; } = "stockdata";

    /// <summary>Per-command timeout.</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Keep a stored bar's old values in bar_revisions when they change.</summary>
    /// <value>Default true.</value>
    public bool KeepRevisions { get; set; } = true;

    /// <summary>
    /// What sits between this process and PostgreSQL. <see cref="PoolerMode.Transaction"/> (PgBouncer with
    /// <c>pool_mode = transaction</c>): the writer's staging tables live for one transaction, and the data source
    /// prepares nothing (docs/scaling.md, PgBouncer).
    /// </summary>
    /// <value>Default <see cref="PoolerMode.None"/>.</value>
    public PoolerMode Pooler { get; set; } = PoolerMode.None;
}
