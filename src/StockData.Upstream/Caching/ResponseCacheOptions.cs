using System.ComponentModel.DataAnnotations;

namespace StockData.Upstream.Caching;

/// <summary>
/// The two-tier chart response cache (FusionCache: L1 in-process, L2 Redis when <c>ConnectionStrings:Redis</c> is set)
/// and the in-memory metadata LRU: section <c>StockData:Cache</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class ResponseCacheOptions
{
    public const string SectionName = "StockData:Cache";

    /// <summary>Cache chart responses at all (off: every fetch goes upstream, still through the limiter).</summary>
    /// <value>Default true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a response is fresh, in both tiers. It is also how recent a request's end must be to count as "up to
    /// now" in the key, and so the staleness a caller accepts.
    /// </summary>
    /// <value>Default 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:01:00", "00:05:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Fail-safe: how long past <see cref="Duration"/> an entry is kept to be served when the upstream fails (429 after the
    /// retries, 5xx, an open breaker, a timeout). 0 turns fail-safe off.
    /// </summary>
    /// <value>Default 30 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After serving a stale entry, how long it is served again before the upstream is tried once more.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The in-process tier's bound, in entries of up to <see cref="MemoryUnitBytes"/> of compressed body.</summary>
    public const int MemoryUnitBytes = 16 * 1024;

    /// <summary>
    /// Most entries the in-process tier holds (each a compressed body), counted in units of
    /// <see cref="MemoryUnitBytes"/>: a larger body counts one per 16 KiB started, so the tier holds at most about
    /// 32 MB of bodies at the default. Beyond it the least recently used go.
    /// </summary>
    /// <value>Default 2,000.</value>
    [Range(1, 10_000_000)]
    public int MemoryEntries { get; set; } = 2_000;

    /// <summary>Bodies larger than this (uncompressed) are not cached: a whole-history intraday replay is not re-read in minutes.</summary>
    /// <value>Default 8 MiB.</value>
    [Range(1024, 1 << 30)]
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Every Redis key of the cache (entries and locks) starts with this.</summary>
    /// <value>Default <c>stockdata:cache:</c>.</value>
    [RegularExpression("^[^\\s]{0,100}$", ErrorMessage = "The field KeyPrefix must be at most 100 characters without white space.")]
    public string KeyPrefix { get; set; } = "stockdata:cache:";

    /// <summary>The longest an L2 (Redis) read or write may take before the cache goes on without it.</summary>
    /// <value>Default 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan DistributedTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After an L2 failure, how long L2 is skipped (its circuit breaker) before it is tried again.</summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DistributedCircuitBreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Stampede protection across replicas: a Redis lock per key, so replicas missing the same key together make one
    /// upstream call (within a process concurrent callers always share one).
    /// </summary>
    /// <value>Default true.</value>
    public bool DistributedLocking { get; set; } = true;

    /// <summary>Entries of the in-memory LRU of symbol metadata (what the bars endpoints answer with).</summary>
    /// <value>Default 10,000.</value>
    [Range(1, 10_000_000)]
    public int MetadataCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long a symbol's metadata is answered from memory before it is read from PostgreSQL again: bounds how long
    /// a change written by another process (another replica's ingest, a manual fix) goes unseen here. This process's
    /// own ingest replaces an entry at once.
    /// </summary>
    /// <value>Default 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MetadataTtl { get; set; } = TimeSpan.FromMinutes(10);
}
