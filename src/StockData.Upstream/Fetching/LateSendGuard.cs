namespace StockData.Upstream.Fetching;

/// <summary>
/// The handler chain's check of a chart request's slot (<see cref="SlotKeeper"/>), innermost of the Yahoo client's
/// handlers. The connection checks once more before the first byte; this one keeps a request that stalled in the
/// pipeline from taking a connection for a slot it already missed.
/// </summary>
public sealed class LateSendGuard(SlotKeeper keeper) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await keeper.KeepAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
