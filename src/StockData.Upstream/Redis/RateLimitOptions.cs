using System.ComponentModel.DataAnnotations;

namespace StockData.Upstream.Redis;

/// <summary>
/// The shared upstream rate limit and 429 cooldown: section <c>StockData:RateLimit</c>. The defaults are safe for real
/// Yahoo (about one request per second per client IP); the demo, tests and benchmarks raise them explicitly.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class RateLimitOptions
{
    public const string SectionName = "StockData:RateLimit";

    /// <summary>The upstream whose limit this is. Every host of that upstream (query1, query2, fallbacks) shares one bucket.</summary>
    /// <value>Default <c>yahoo</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "must be 1-64 characters of A-Z, a-z, 0-9, _ . -")]
    public string Upstream { get; set; } = "yahoo";

    /// <summary>
    /// Scopes the bucket and the cooldown to one egress IP: replicas that leave through different IPs are limited
    /// separately (Yahoo limits per client IP). Unset: one bucket for the whole fleet.
    /// </summary>
    /// <value>Default unset.</value>
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "must be 1-64 characters of A-Z, a-z, 0-9, _ . : -")]
    public string? EgressId { get; set; }

    /// <summary>Every Redis key of the limiter starts with this; the scope follows in a <c>{hash tag}</c>.</summary>
    /// <value>Default <c>stockdata:rl:</c>.</value>
    [RegularExpression("^[^{}\\s]{0,100}$", ErrorMessage = "must be at most 100 characters without braces or white space")]
    public string KeyPrefix { get; set; } = "stockdata:rl:";

    /// <summary>Sustained requests per second, shared by every replica (continuous refill).</summary>
    /// <value>Default 1.</value>
    [Range(0.001, 100_000.0)]
    public double PermitsPerSecond { get; set; } = 1.0;

    /// <summary>Requests that may go at once after an idle spell (the bucket's capacity).</summary>
    /// <value>Default 2.</value>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 2;

    /// <summary>
    /// The most permits the bucket hands out at once, after an idle spell or to a fleet starting cold against an empty
    /// bucket (at most <see cref="Burst"/>). The rest of <see cref="Burst"/> is never spent by the bucket: it stays the
    /// upstream's spare capacity, the margin that absorbs requests reaching it closer together than their slots (cold
    /// processes finishing JIT and connection set-up together, a stalled host releasing several sends). Spent at a cold
    /// start, the upstream had no margin left until its bucket refilled (0.86 s at 3 % headroom) and one early arrival
    /// was a 429. Steady-state throughput does not depend on it: under continuous demand the bucket never holds a
    /// permit ready anyway.
    /// </summary>
    /// <value>Default 1.</value>
    [Range(1, 100_000)]
    public int InstantBurst { get; set; } = 1;

    /// <summary>
    /// How long the shared bucket spaces its grants wider after a cold start or an idle spell: twice the interval at
    /// first, down to the interval at the end (a slow start). A fleet restarted after a deploy has every process cold at
    /// once; their first sends stall behind each other's JIT and reach the upstream in bunches that its one spare
    /// permit cannot absorb. Costs about 0.3 × the ramp of full-rate throughput per cold start. Zero turns it off; the
    /// in-process fallback bucket has none.
    /// </summary>
    /// <value>Default 1.5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ColdStartRamp { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// How far ahead an acquisition may reserve its slot (and so how long it may wait). Beyond it the acquisition is
    /// refused at once with a retry-after, so a caller never sleeps past its own deadline; keep it below the total timeout.
    /// </summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Replicas expected to share the bucket: while Redis is down each takes <c>PermitsPerSecond ÷ Replicas</c>.</summary>
    /// <value>Default 1.</value>
    [Range(1, 1000)]
    public int Replicas { get; set; } = 1;

    /// <summary>What to do while Redis is unreachable: an in-process bucket, or pause.</summary>
    /// <value>Default <see cref="RateLimitFallbackMode.Local"/>.</value>
    public RateLimitFallbackMode Fallback { get; set; } = RateLimitFallbackMode.Local;

    /// <summary>While Redis is unreachable, one acquisition at most this often tries it again (never one per request).</summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A limiter call to Redis that takes longer counts as Redis being unreachable.</summary>
    /// <value>Default 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The pause after a 429 without a Retry-After; it doubles with each consecutive 429 up to <see cref="MaxCooldown"/>.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan DefaultCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest cooldown, doubled or given by Retry-After.</summary>
    /// <value>Default 15 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxCooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A copy of these options scoped to <paramref name="egressId"/> (the limiter of one egress of the pool).</summary>
    public RateLimitOptions ForEgress(string? egressId)
    {
        var copy = (RateLimitOptions)MemberwiseClone();
        copy.EgressId = egressId;
        return copy;
    }
}
