using System.Diagnostics;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using StockData.Pipeline.Diagnostics;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Fetching;

/// <summary>
/// The one way to get a symbol's chart for a range: the pipeline's fetch stage, <c>stockdata yahoo fetch</c> and the
/// HTTP bars endpoint all call this, and nothing else talks to the Yahoo client (a test enforces it).
/// </summary>
/// <remarks>
/// One Polly v8 pipeline per request, outermost first: total timeout → retry (jittered exponential, Retry-After and
/// the limiter's retry-after honoured; 429, 5xx, timeouts and connection errors; never 400/401/404) → the rate
/// limiter → the client's own per-attempt timeout. The limiter sits inside the retry so every attempt spends a token
/// (the order AddStandardResilienceHandler uses lets retries skip it).
/// </remarks>
internal sealed class ChartFetchService
{
    private readonly IYahooChartClient _client;
    private readonly ResiliencePipeline<YahooResponse> _pipeline;

    public ChartFetchService(IYahooChartClient client, RateLimiter limiter, IOptions<FetchOptions> options, TimeProvider timeProvider)
    {
        _client = client;
        var o = options.Value;
        _pipeline = new ResiliencePipelineBuilder<YahooResponse> { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.TotalTimeout })
            .AddRetry(new RetryStrategyOptions<YahooResponse>
            {
                MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                ShouldHandle = args => ValueTask.FromResult(o.MaxRetries > 0 && IsRetryable(args.Outcome)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(UpstreamDelay(args.Outcome)),
                OnRetry = args =>
                {
                    RecordRetried(args.Outcome);
                    // The retried response's pooled body is not returned to anyone: give the buffer back now.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = async args =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var lease = await limiter.AcquireAsync(1, args.Context.CancellationToken);
                    PipelineMetrics.RateLimiterWait.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    PipelineMetrics.RateLimiterTokens.WithLabels(lease.IsAcquired ? "granted" : "refused").Inc();
                    return lease;
                },
            })
            .Build();
    }

    /// <summary>Raised for every attempt's HTTP status (0 when no response came), for run statistics.</summary>
    public event Action<int>? AttemptCompleted;

    /// <summary>
    /// Fetches one chart response, retried within the budget. A final 429 or 5xx is returned, not thrown, so the
    /// parser classifies it; connection failures and timeouts past the budget throw. Dispose the response.
    /// </summary>
    public async Task<YahooResponse> FetchAsync(YahooChartRequest request, CancellationToken cancellationToken)
    {
        var attempt = 0;
        return await _pipeline.ExecuteAsync(async token =>
        {
            // The attempt number alternates hosts (query2, then the query1 fallback) inside the client.
            try
            {
                var response = await _client.GetChartAsync(request, attempt++, token);
                AttemptCompleted?.Invoke((int)response.StatusCode);
                return response;
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
            {
                AttemptCompleted?.Invoke(0);
                throw;
            }
        }, cancellationToken);
    }

    private static bool IsRetryable(Outcome<YahooResponse> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutException or RateLimiterRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } r } => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500,
        _ => false,
    };

    private static TimeSpan? UpstreamDelay(Outcome<YahooResponse> outcome) => outcome switch
    {
        { Result.RetryAfter: { } retryAfter } => retryAfter,
        { Exception: RateLimiterRejectedException { RetryAfter: { } limiterDelay } } => limiterDelay,
        _ => null,
    };

    private static void RecordRetried(Outcome<YahooResponse> outcome)
    {
        var (statusClass, category) = outcome switch
        {
            { Result: { } r } => (PipelineMetrics.StatusClass((int)r.StatusCode),
                r.StatusCode == HttpStatusCode.TooManyRequests ? "rate_limited" : "server_error"),
            { Exception: TimeoutException } => ("none", "timeout"),
            { Exception: RateLimiterRejectedException } => ("none", "rate_limited"),
            _ => ("none", "connection"),
        };
        PipelineMetrics.UpstreamResponses.WithLabels(statusClass, category).Inc();
    }
}
