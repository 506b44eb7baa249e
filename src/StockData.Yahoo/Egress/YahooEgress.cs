namespace StockData.Yahoo.Egress;

/// <summary>One configured egress, resolved: its id and its proxy (null: direct).</summary>
/// <param name="Configured">
/// False for the one direct egress used when <c>StockData:Yahoo:Egress</c> is not set: it keeps the limiter's key
/// scope of a single-egress service (<c>StockData:RateLimit:EgressId</c>, or none), so an upgrade changes no Redis key.
/// </param>
public sealed record YahooEgress(string Id, Uri? Proxy, bool Configured)
{
    /// <summary>The id of the implicit direct egress.</summary>
    public const string DefaultId = "default";

    /// <summary>What the configured list says, or one direct egress when it is empty. Validate the options first.</summary>
    public static IReadOnlyList<YahooEgress> From(YahooOptions options) =>
        options.Egress.Count == 0
            ? [new YahooEgress(DefaultId, null, Configured: false)]
            : options.Egress.Select(e => new YahooEgress(e.Id, string.IsNullOrWhiteSpace(e.Proxy) ? null : new Uri(e.Proxy), Configured: true)).ToList();

    /// <summary>How the egress leaves, for logs and the doctor: <c>direct</c> or <c>via http://proxy:port</c>.</summary>
    public string Route => Proxy is null ? "direct" : "via " + Proxy.GetLeftPart(UriPartial.Authority);
}
