using System.Threading.RateLimiting;
using StockData.Diagnostics;
using StockData.Upstream.Redis;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Session;

/// <summary>
/// Makes each session request (cookie page, consent, getcrumb) take a token from the egress's bucket, the one chart
/// requests spend, waiting as long as the limiter says (a refused lease names its retry-after).
/// </summary>
public sealed class SessionRequestGate(RateLimiter limiter, RedisRateLimitBackend backend) : IYahooSessionRequestGate
{
    private static readonly TimeSpan RefusedDelay = TimeSpan.FromSeconds(1);

    public async ValueTask EnterAsync(Uri uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var lease = await limiter.AcquireAsync(1, cancellationToken);
            PipelineMetrics.RateLimiterTokens.WithLabels(lease.IsAcquired ? "granted" : "refused").Inc();
            if (lease.IsAcquired)
            {
                PipelineMetrics.EgressRequests.WithLabels(backend.Keys.Scope, "session").Inc();
                return;
            }

            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : RefusedDelay;
            await Task.Delay(wait, backend.TimeProvider, cancellationToken);
        }
    }
}
