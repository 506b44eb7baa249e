using System.ComponentModel.DataAnnotations;

namespace StockData.Upstream.Fetching;

/// <summary>
/// The upstream circuit breaker (section <c>StockData:Fetch:CircuitBreaker</c>). It samples every attempt (it sits
/// inside the retry) and counts 429s, 5xx answers and attempt timeouts as failures. The defaults are sized for the
/// limiter's few requests per second: at 1 request/s a 30 s window holds about 30 attempts, so 10 attempts with half
/// of them failing trip it after about 10 s of a sick upstream, while a lone 5xx among healthy answers never does.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class FetchCircuitBreakerOptions
{
    /// <summary>Failed share of the sampled attempts at which the breaker opens.</summary>
    /// <value>Default 0.5.</value>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts the window must hold before the ratio counts (Polly's minimum is 2).</summary>
    /// <value>Default 10.</value>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The sliding window the ratio is computed over.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the breaker stays open before one half-open probe; the shared cooldown is extended by as much, so every
    /// replica pauses with it.
    /// </summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
