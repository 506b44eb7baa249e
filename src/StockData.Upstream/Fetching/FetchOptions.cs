using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace StockData.Upstream.Fetching;

/// <summary>Retries, deadlines and the circuit breaker of one chart fetch: section <c>StockData:Fetch</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class FetchOptions
{
    public const string SectionName = "StockData:Fetch";

    /// <summary>Retries after the first attempt (429, 5xx, timeouts, connection errors, an open breaker; never 400/401/404).</summary>
    /// <value>Default 4.</value>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first retry's delay before jitter; it doubles per retry. A Retry-After (upstream, limiter or breaker) wins.</summary>
    /// <value>Default 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, Retry-After included.</summary>
    /// <value>Default 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The deadline for one fetch, every attempt and wait included (the per-attempt timeout is StockData:Yahoo:AttemptTimeout).</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Auth failures in a row (failed session refreshes, chart requests refused after their one retry with a fresh
    /// session) that start the fleet's auth cooldown: Yahoo also throttles by refusing, and asking again makes it worse.
    /// </summary>
    /// <value>Default 3.</value>
    [Range(1, 100)]
    public int AuthFailureThreshold { get; set; } = 3;

    /// <summary>How long the whole fleet holds chart requests (and session refreshes) back once the auth cooldown starts.</summary>
    /// <value>Default 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AuthCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The per-process circuit breaker between the retry and the rate limiter: <c>StockData:Fetch:CircuitBreaker</c>.</summary>
    [ValidateObjectMembers]
    public FetchCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
