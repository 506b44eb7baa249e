using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using StockData.Upstream.Caching;
using StockData.Upstream.Egress;
using StockData.Diagnostics;
using StockData.Upstream.Session;
using StockData.Yahoo.Client;
using StockData.Yahoo.Egress;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Fetching;

/// <summary>
/// The one way to get a symbol's chart for a range: the pipeline's fetch stage, <c>stockdata yahoo fetch</c> and the
/// HTTP bars endpoint all call this, and nothing else talks to the Yahoo client (a test enforces it).
/// </summary>
/// <remarks>
/// <para>
/// The response cache first (a hit spends no token), then one Polly v8 pipeline per request, outermost first: total
/// timeout → retry (jittered exponential; Retry-After, the limiter's and the breaker's retry-after honoured; 429, 5xx,
/// a 2xx body cut short, timeouts, connection errors and an open breaker; never 400/401/404) → circuit breaker (429,
/// 5xx and timeouts count) → the shared rate limiter → the client's own per-attempt timeout
/// (StockData:Yahoo:AttemptTimeout, the only one).
/// The limiter sits inside the retry, so every attempt spends a token (the order AddStandardResilienceHandler uses
/// lets retries skip it), and inside the breaker, so an open breaker spends none.
/// </para>
/// <para>
/// Every 429 is reported to the shared cooldown (one replica's 429 pauses all of them), every 2xx resets its count, and
/// an opening breaker extends it by the break, so the other replicas sit the break out too.
/// </para>
/// <para>
/// A response that says the session failed (<see cref="YahooResponse.SessionFailure"/>: refused, redirected to consent
/// or login, an HTML page) has had that session version dropped by the client; it is retried once at once, with the
/// fresh session the next attempt obtains (the retry is an attempt and spends a token). A second one is final
/// (<c>unauthorized</c>) and counts toward the fleet's <see cref="AuthCooldown"/>, which every fetch waits out first.
/// </para>
/// </remarks>
public sealed class ChartFetchService
{
    private readonly IYahooChartClient _client;
    private readonly ChartResponseCache _cache;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;
    private readonly ResiliencePipeline<YahooResponse> _pipeline;
    private readonly SendSlot _slot;
    private readonly IReadOnlyList<EgressLane> _lanes;
    private readonly LanePipeline[] _lanePipelines;
    private readonly bool _connectionErrorsBreak;
    private readonly TimeProvider _timeProvider;

    /// <summary>When the attempt's slot fell due, from the limiter strategy to the attempt (which hands it to <see cref="SendSlot"/>).</summary>
    private static readonly ResiliencePropertyKey<long> GrantedAt = new("stockdata.slot-granted-at");

    /// <summary>The egress the router chose for the attempt, from the routing step to the limiter strategy (which ends its pending count).</summary>
    private static readonly ResiliencePropertyKey<EgressLane.PendingChoice?> Choice = new("stockdata.egress-choice");

    /// <summary>Set once a call has spent its one retry on a session failure.</summary>
    private static readonly ResiliencePropertyKey<bool> AuthRetried = new("stockdata.auth-retried");

    public ChartFetchService(IYahooChartClient client, EgressPool egresses, ChartResponseCache cache,
        IOptions<FetchOptions> options, SendSlot slot, ResilienceMetrics resilienceMetrics, TimeProvider timeProvider,
        ILogger<ChartFetchService> logger)
    {
        _client = client;
        _lanes = egresses.Lanes;
        _timeProvider = timeProvider;
        _slot = slot;
        _cache = cache;
        _logger = logger;
        var o = options.Value;
        var breaker = o.CircuitBreaker;
        // The cooldown and fallback gauges are read at scrape time from this host's store, limiter and gate.
        resilienceMetrics.EnsureRegistered();

        _pipeline = new ResiliencePipelineBuilder<YahooResponse> { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.TotalTimeout })
            .AddRetry(new RetryStrategyOptions<YahooResponse>
            {
                MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                ShouldHandle = args => ValueTask.FromResult((o.MaxRetries > 0 && IsRetryable(args.Outcome)) ||
                                                            (IsSessionFailure(args.Outcome) && !args.Context.Properties.GetValue(AuthRetried, false))),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.RetryMaxDelay,
                // A generated delay is not capped by MaxDelay (Polly's retry docs): cap it here, as the option promises.
                DelayGenerator = args => ValueTask.FromResult(IsSessionFailure(args.Outcome) ? TimeSpan.Zero :
                    UpstreamDelay(args.Outcome) is { } d ? d < o.RetryMaxDelay ? d : o.RetryMaxDelay : (TimeSpan?)null),
                OnRetry = args =>
                {
                    if (IsSessionFailure(args.Outcome))
                    {
                        args.Context.Properties.Set(AuthRetried, true);
                        PipelineLog.AuthRetry(_logger, args.Outcome.Result!.Request.Symbol, Reason(args.Outcome.Result!));
                    }

                    RecordRetried(args.Outcome);
                    // The retried response's pooled body is not returned to anyone: give the buffer back now.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
        // A pool routes around a sick egress, so a refused or reset connection (a dead proxy) counts for that egress's
        // breaker; a single egress keeps its rule (connection errors are retried, not counted: see IsUpstreamFailure).
        _connectionErrorsBreak = _lanes.Count > 1;
        _lanePipelines = _lanes.Select(lane => BuildLanePipeline(lane, breaker, timeProvider)).ToArray();
        UpdateCircuitGauge();
    }

    private LanePipeline BuildLanePipeline(EgressLane lane, FetchCircuitBreakerOptions breaker, TimeProvider timeProvider)
    {
        var limiter = lane.Limiter;
        var state = new CircuitBreakerStateProvider();
        PipelineMetrics.EgressCircuitState.WithLabels(lane.Scope).Set(PipelineMetrics.CircuitClosed);
        var pipeline = new ResiliencePipelineBuilder<YahooResponse> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<YahooResponse>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsUpstreamFailure(args.Outcome) ||
                                                            (_connectionErrorsBreak && args.Outcome.Exception is HttpRequestException)),
                StateProvider = state,
                OnOpened = async args =>
                {
                    PipelineMetrics.EgressCircuitState.WithLabels(lane.Scope).Set(PipelineMetrics.CircuitOpen);
                    UpdateCircuitGauge();
                    PipelineLog.CircuitOpened(_logger, lane.Scope, args.BreakDuration, Describe(args.Outcome));
                    // Every replica sits the break out: the same egress is sick for all of them. Not the caller's
                    // token: a cancelled request must not leave the fleet unpaused.
                    await lane.Cooldown.ExtendAsync(args.BreakDuration, CancellationToken.None);
                },
                OnHalfOpened = _ =>
                {
                    PipelineMetrics.EgressCircuitState.WithLabels(lane.Scope).Set(PipelineMetrics.CircuitHalfOpen);
                    UpdateCircuitGauge();
                    PipelineLog.CircuitHalfOpened(_logger, lane.Scope);
                    return default;
                },
                OnClosed = _ =>
                {
                    PipelineMetrics.EgressCircuitState.WithLabels(lane.Scope).Set(PipelineMetrics.CircuitClosed);
                    UpdateCircuitGauge();
                    PipelineLog.CircuitClosed(_logger, lane.Scope);
                    return default;
                },
            })
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = async args =>
                {
                    // The host's clock, the one the limiter sleeps on and SleepMeter meters: waited and slept compare.
                    var started = timeProvider.GetTimestamp();
                    var meter = SleepMeter.Start();
                    RateLimitLease lease;
                    try
                    {
                        lease = await limiter.AcquireAsync(1, args.Context.CancellationToken);
                    }
                    finally
                    {
                        // Slot reached (or refused): this caller no longer counts toward the router's spread.
                        args.Context.Properties.GetValue(Choice, null)?.Dispose();
                    }

                    var waited = timeProvider.GetElapsedTime(started);
                    PipelineMetrics.RateLimiterWait.Observe(waited.TotalSeconds);
                    PipelineMetrics.RateLimiterTokens.WithLabels(lease.IsAcquired ? "granted" : "refused").Inc();
                    TokenAcquired?.Invoke(new TokenAcquisition(waited, meter.Slept, lease.IsAcquired));
                    if (lease.IsAcquired)
                    {
                        // From the slot itself when the limiter says when it fell due (see RedisRateLimitLease.SlotAt).
                        args.Context.Properties.Set(GrantedAt, Redis.RedisRateLimitLease.SlotOf(lease, timeProvider));
                    }

                    return lease;
                },
            })
            .Build();
        return new LanePipeline(lane, pipeline, state);
    }

    /// <summary>Raised for every rate-limiter acquisition (time taken, time of it slept waiting for the slot, granted or not).</summary>
    public event Action<TokenAcquisition>? TokenAcquired;

    /// <summary>
    /// The breakers' state now: the best of the egresses' (closed while any egress's is closed, open only when all are),
    /// since a request fails only when no egress can take it.
    /// </summary>
    public CircuitState CircuitState => _lanePipelines.Select(p => p.State.CircuitState).MinBy(Rank);

    /// <summary>Each egress's breaker state, by egress id.</summary>
    public IReadOnlyDictionary<string, CircuitState> EgressCircuitStates => _lanePipelines.ToDictionary(p => p.Lane.Id, p => p.State.CircuitState);

    /// <summary>
    /// Fetches one chart response: from the cache when it holds a fresh one (or, the upstream failing, a stale one),
    /// else upstream, retried within the budget. A final 429 or 5xx is returned, not thrown, so the parser classifies
    /// it; connection failures and timeouts past the budget throw. Dispose the response.
    /// </summary>
    public Task<YahooResponse> FetchAsync(YahooChartRequest request, CancellationToken cancellationToken) =>
        FetchAsync(request, null, cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync(YahooChartRequest, CancellationToken)"/>, telling <paramref name="attempts"/> each upstream
    /// attempt's status made for this call (none for a cache hit). Per call rather than an event on this singleton, so
    /// two runs sharing the service (the daemon and a bars refresh) each count only their own attempts.
    /// </summary>
    public Task<YahooResponse> FetchAsync(YahooChartRequest request, IFetchAttemptObserver? attempts, CancellationToken cancellationToken) =>
        _cache.GetOrFetchAsync(request, token => FetchUpstreamAsync(request, attempts, token), cancellationToken);

    private async Task<YahooResponse> FetchUpstreamAsync(YahooChartRequest request, IFetchAttemptObserver? attempts,
        CancellationToken cancellationToken)
    {
        // A cold process stalls its first sends (JIT, connection set-up) after their slots were granted, then lets them
        // all go at once: a burst the shared bucket never allowed, which the upstream answers with 429 (measured: ten
        // requests within 1 ms, 0.4 s into a 3-replica run). So the first attempt goes alone; the others take their
        // tokens once it has come back.
        var first = Interlocked.Exchange(ref _started, 1) == 0;
        if (!first && !_warmedUp.Task.IsCompleted)
        {
            await _warmedUp.Task.WaitAsync(cancellationToken);
        }

        try
        {
            // After repeated auth failures the fleet holds back: more refused requests would only prolong Yahoo's refusal.
            // With a pool, only while every egress is held back (the router skips the ones that are).
            await WaitForAuthAsync(cancellationToken);
            return await ExecuteAsync(request, attempts, cancellationToken);
        }
        finally
        {
            // Whatever became of it (refused by the limiter throughout, cancelled, a bad symbol): never a gate left shut.
            if (first)
            {
                _warmedUp.TrySetResult();
            }
        }
    }

    private async Task<YahooResponse> ExecuteAsync(YahooChartRequest request, IFetchAttemptObserver? attempts,
        CancellationToken cancellationToken)
    {
        var attempt = 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(ctx => RouteAsync(ctx, request, attempts, attempt++), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One attempt: through the egress whose next slot is earliest (<see cref="EgressRouter"/>), inside its scope.</summary>
    private async ValueTask<YahooResponse> RouteAsync(ResilienceContext context, YahooChartRequest request, IFetchAttemptObserver? attempts,
        int attempt)
    {
        using var choice = await EgressRouter.ChooseAsync(_lanes, IsAvailable, context.CancellationToken);
        var lane = Array.Find(_lanePipelines, p => ReferenceEquals(p.Lane, choice.Lane))!;
        // The egress's handler (its proxy), session and limiter are picked below by this scope.
        using var scope = EgressScope.Enter(lane.Lane.Id);
        context.Properties.Set(Choice, choice);
        try
        {
            return await lane.Pipeline.ExecuteAsync(ctx => AttemptAsync(ctx, lane.Lane, request, attempts, attempt), context);
        }
        finally
        {
            context.Properties.Set(Choice, null);
        }
    }

    private bool IsAvailable(EgressLane lane)
    {
        var state = Array.Find(_lanePipelines, p => ReferenceEquals(p.Lane, lane))!.State.CircuitState;
        return state is not (CircuitState.Open or CircuitState.Isolated) && lane.AuthCooldown.KnownRemaining == TimeSpan.Zero;
    }

    private async Task WaitForAuthAsync(CancellationToken cancellationToken)
    {
        if (_lanes.Count == 1)
        {
            await _lanes[0].AuthCooldown.WaitAsync(cancellationToken);
            return;
        }

        while (true)
        {
            var pauses = await Task.WhenAll(_lanes.Select(l => l.AuthCooldown.GetRemainingAsync(cancellationToken).AsTask()));
            if (pauses.Any(p => p is null))
            {
                return;
            }

            await Task.Delay(pauses.Min()!.Value, _timeProvider, cancellationToken);
        }
    }

    private void UpdateCircuitGauge() =>
        PipelineMetrics.CircuitState.Set(_lanePipelines is null ? PipelineMetrics.CircuitClosed : CircuitState switch
        {
            CircuitState.Open or CircuitState.Isolated => PipelineMetrics.CircuitOpen,
            CircuitState.HalfOpen => PipelineMetrics.CircuitHalfOpen,
            _ => PipelineMetrics.CircuitClosed,
        });

    private static int Rank(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        _ => 2,
    };

    private async ValueTask<YahooResponse> AttemptAsync(ResilienceContext context, EgressLane lane, YahooChartRequest request,
        IFetchAttemptObserver? attempts, int attempt)
    {
        var token = context.CancellationToken;
        // The handler chain's last check (LateSendGuard) needs the slot's grant time; it flows down with the attempt.
        _slot.Granted(context.Properties.GetValue(GrantedAt, 0L));
        context.Properties.Set(GrantedAt, 0L);
        // The attempt number alternates hosts (query2, then the query1 fallback) inside the client.
        YahooResponse response;
        try
        {
            response = await _client.GetChartAsync(request, attempt, token);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            attempts?.AttemptCompleted(0);
            throw;
        }
        finally
        {
            // The first attempt is back (or failed): the process is warm, the others may take their tokens.
            _warmedUp.TrySetResult();
        }

        attempts?.AttemptCompleted((int)response.StatusCode);
        var egress = lane.Scope;
        PipelineMetrics.EgressRequests.WithLabels(egress, "chart").Inc();
        var authFailed = response.SessionFailure != YahooSessionFailure.None || (int)response.StatusCode is 401 or 403;
        if (authFailed)
        {
            PipelineMetrics.AuthFailures.WithLabels(egress, Reason(response)).Inc();
            // The first refusal of a call is retried with a fresh session; the second is final and counts for the fleet.
            if (context.Properties.GetValue(AuthRetried, false) || response.SessionFailure == YahooSessionFailure.None)
            {
                await lane.AuthCooldown.ReportFailureAsync(Reason(response), CancellationToken.None);
            }
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            PipelineMetrics.EgressThrottled.WithLabels(egress, "chart").Inc();
            // Before the retry sees it: the retry's next attempt then waits at the limiter with every other replica.
            await lane.Cooldown.ReportThrottledAsync(response.RetryAfter, CancellationToken.None);
        }
        else if (response.IsSuccessStatusCode && !authFailed)
        {
            await lane.Cooldown.ReportSuccessAsync(token);
            await lane.AuthCooldown.ReportSuccessAsync(token);
        }

        return response;
    }

    private static bool IsSessionFailure(Outcome<YahooResponse> outcome) =>
        outcome.Result is { SessionFailure: not YahooSessionFailure.None };

    /// <summary>The <c>reason</c> label of an auth failure.</summary>
    private static string Reason(YahooResponse response) => response.SessionFailure switch
    {
        YahooSessionFailure.Refused => "refused",
        YahooSessionFailure.Redirected => "redirected",
        YahooSessionFailure.HtmlBody => "html_body",
        _ => "unauthorized",
    };

    private static bool IsRetryable(Outcome<YahooResponse> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutException or RateLimiterRejectedException or BrokenCircuitException } => true,
        { Exception: not null } => false,
        { Result: { } r } => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500 || CutShortBody.Is(r),
        _ => false,
    };

    /// <summary>
    /// What the breaker counts: 429, 5xx and attempt timeouts. Connection errors are retried but not counted: the
    /// breaker's opening pauses the whole fleet (shared cooldown), and a refused or reset connection is as often this
    /// replica's own network as the upstream.
    /// </summary>
    private static bool IsUpstreamFailure(Outcome<YahooResponse> outcome) => outcome switch
    {
        { Exception: TimeoutException } => true,
        { Exception: not null } => false,
        { Result: { } r } => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500,
        _ => false,
    };

    private static TimeSpan? UpstreamDelay(Outcome<YahooResponse> outcome) => outcome switch
    {
        { Result.RetryAfter: { } retryAfter } => retryAfter,
        { Exception: RateLimiterRejectedException { RetryAfter: { } limiterDelay } } => limiterDelay,
        { Exception: BrokenCircuitException { RetryAfter: { } breakLeft } } => breakLeft,
        _ => null,
    };

    private static string Describe(Outcome<YahooResponse> outcome) => outcome switch
    {
        { Result: { } r } => "HTTP " + (int)r.StatusCode,
        { Exception: { } e } => e.GetType().Name,
        _ => "unknown",
    };

    private static void RecordRetried(Outcome<YahooResponse> outcome)
    {
        var (statusClass, category) = outcome switch
        {
            { Result: { SessionFailure: not YahooSessionFailure.None } r } => (PipelineMetrics.StatusClass((int)r.StatusCode), "unauthorized"),
            { Result: { } r } => (PipelineMetrics.StatusClass((int)r.StatusCode),
                r.StatusCode == HttpStatusCode.TooManyRequests ? "rate_limited" : r.IsSuccessStatusCode ? "malformed" : "server_error"),
            { Exception: TimeoutException } => ("none", "timeout"),
            { Exception: RateLimiterRejectedException } => ("none", "rate_limited"),
            { Exception: BrokenCircuitException } => ("none", "circuit_open"),
            _ => ("none", "connection"),
        };
        PipelineMetrics.UpstreamResponses.WithLabels(statusClass, category).Inc();
    }

    /// <summary>One egress's part of the pipeline: its breaker and its limiter.</summary>
    private sealed record LanePipeline(EgressLane Lane, ResiliencePipeline<YahooResponse> Pipeline, CircuitBreakerStateProvider State);
}
