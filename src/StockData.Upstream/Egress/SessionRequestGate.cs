using System.Threading.RateLimiting;
using StockData.Diagnostics;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Egress;

/// <summary>
/// Makes each session request (cookie page, consent, getcrumb) take a token from the egress's bucket (the egress the flow sends through), the one chart
/// requests spend, waiting as long as the limiter says (a refused lease names its retry-after).
/// </summary>
public sealed class SessionRequestGate(EgressLimiters egresses) : IYahooSessionRequestGate
{
    private static readonly TimeSpan RefusedDelay = TimeSpan.FromSeconds(1);

    public async ValueTask EnterAsync(Uri uri, CancellationToken cancellationToken)
    {
        // The egress the session is being obtained through: its requests spend that egress's tokens.
        var (limiter, backend) = (egresses.Current.Limiter, egresses.Current.Backend);
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
