namespace StockData.Yahoo.Egress;

/// <summary>
/// One way out to Yahoo (one item of <c>StockData:Yahoo:Egress</c>): an id, and the HTTP forward proxy its requests
/// leave through (none: this machine's own address). Yahoo limits each client address on its own, so each egress has
/// its own token bucket, session, cooldown and circuit breaker.
/// </summary>
public sealed class YahooEgressOptions
{
    /// <summary>The egress's name: in its Redis keys (inside the limiter's hash tag), metrics and logs.</summary>
    public string Id { get; set; } = "";

    /// <summary>An absolute <c>http://host:port</c> forward proxy URL; empty for a direct egress.</summary>
    public string? Proxy { get; set; }
}
