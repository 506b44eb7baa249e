using Polly.Timeout;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Upstream.Fetching;
using StockData.Yahoo.Client;

namespace StockData.Ingest;

/// <summary>
/// The fetch stage: one part's request through the fetch service (cache, auth cooldown, limiter, retries). This run's statistics observe the call's own attempts. Failures past the retry budget end the
/// fetch, not the run; a part the source refused passes through untouched.
/// </summary>
internal sealed class FetchStage(ChartFetchService fetchService, IngestStats stats,
    CancellationToken abortToken)
{
    private readonly StageMeter _meter = StageMeter.Fetch;

    public async Task<FetchedPart> FetchAsync(FetchPart part)
    {
        if (part.Request is not { } request)
        {
            return new FetchedPart(part, null, null);
        }

        _meter.In();
        var started = StageMeter.Start();
        try
        {
            // The request budget counts the requests this fetch sends under the purpose its producer gave.
            RequestPurpose.Current = part.Fetch.Request.Purpose ?? RequestPurpose.Other;
            var response = await fetchService.FetchAsync(request, stats, abortToken);
            _meter.Out();
            return new FetchedPart(part, response, null);
        }
        catch (Exception ex) when (UpstreamFailure(ex) is { } error)
        {
            _meter.Failed();
            PipelineMetrics.UpstreamResponses.WithLabels("none", error.Category.ToName()).Inc();
            return new FetchedPart(part, null, error);
        }
        finally
        {
            _meter.Elapsed(started);
        }
    }

    /// <summary>Failures past the retry budget that end this symbol's fetch (not the run).</summary>
    private static FetchError? UpstreamFailure(Exception ex) => ex switch
    {
        YahooResponseTooLargeException => new FetchError(FetchErrorCategory.Malformed, null, ex.Message),
        Polly.RateLimiting.RateLimiterRejectedException r => new FetchError(FetchErrorCategory.RateLimited, r.RetryAfter, ex.Message),
        // The breaker still open when the retries ran out: the upstream is failing, this symbol is tried again later.
        Polly.CircuitBreaker.BrokenCircuitException b => new FetchError(FetchErrorCategory.ServerError, b.RetryAfter, "circuit open: " + ex.Message),
        TimeoutRejectedException or TimeoutException => new FetchError(FetchErrorCategory.ServerError, null, "timeout: " + ex.Message),
        HttpRequestException => new FetchError(FetchErrorCategory.ServerError, null, "connection: " + ex.Message),
        ArgumentException => new FetchError(FetchErrorCategory.BadRequest, null, ex.Message),
        _ => null,
    };
}
