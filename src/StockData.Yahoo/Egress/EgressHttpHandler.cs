namespace StockData.Yahoo.Egress;

/// <summary>
/// The primary handler of the Yahoo HttpClients: one <see cref="SocketsHttpHandler"/> per egress (its own connection
/// pool, and its proxy when it has one), chosen per request by <see cref="EgressScope.Current"/>. One named HttpClient
/// thus serves every egress, and the handlers registered on it (request counting, the late-send guard) stay one chain.
/// </summary>
public sealed class EgressHttpHandler : HttpMessageHandler
{
    private readonly Dictionary<string, HttpMessageInvoker> _byId;
    private readonly Dictionary<string, SocketsHttpHandler> _handlers;
    private readonly HttpMessageInvoker _first;
    private readonly string _firstId;

    internal EgressHttpHandler(IReadOnlyList<YahooEgress> egresses, Func<SocketsHttpHandler> create)
    {
        _byId = new Dictionary<string, HttpMessageInvoker>(StringComparer.Ordinal);
        _handlers = new Dictionary<string, SocketsHttpHandler>(StringComparer.Ordinal);
        foreach (var egress in egresses)
        {
            var handler = create();
            if (egress.Proxy is { } proxy)
            {
                handler.Proxy = new EgressProxy(proxy);
                handler.UseProxy = true;
            }

            _handlers[egress.Id] = handler;
            _byId[egress.Id] = new HttpMessageInvoker(handler, disposeHandler: true);
        }

        _firstId = egresses[0].Id;
        _first = _byId[_firstId];
    }

    /// <summary>The pooled handler of <paramref name="egressId"/> (null: the first egress's).</summary>
    public SocketsHttpHandler HandlerFor(string? egressId = null) => _handlers[egressId ?? _firstId];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Invoker().SendAsync(request, cancellationToken);

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Invoker().Send(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var invoker in _byId.Values)
            {
                invoker.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private HttpMessageInvoker Invoker() =>
        EgressScope.Current is { } id
            ? _byId.TryGetValue(id, out var invoker) ? invoker : throw new InvalidOperationException($"No egress '{id}' is configured (StockData:Yahoo:Egress)")
            : _first;
}
