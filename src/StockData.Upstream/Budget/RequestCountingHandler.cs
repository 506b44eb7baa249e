using StockData.Core;

namespace StockData.Upstream.Budget;

/// <summary>
/// Innermost handler of the Yahoo HTTP client: counts each chart request as it leaves, under the purpose the fetch that
/// sends it set (<see cref="RequestPurpose.Current"/> flows down with the call). Retries count: each spends a token.
/// </summary>
public sealed class RequestCountingHandler(UpstreamRequestCounter counter) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Count(RequestPurpose.Current);
        return base.SendAsync(request, cancellationToken);
    }
}
