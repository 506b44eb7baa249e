using StockData.Upstream.Session;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Egress;

/// <summary>The session of the egress this flow sends through: what the chart client asks, routed to that lane's source.</summary>
public sealed class EgressSessionSource(EgressPool pool) : IYahooSessionSource
{
    /// <summary>The source this flow's requests use now (the current egress's, shared by the fleet).</summary>
    public RedisYahooSessionSource Current => pool.Current.Session;

    public YahooSessionMode Mode => pool.Current.Session.Mode;

    public YahooSessionError? LastError => pool.Current.Session.LastError;

    public ValueTask<YahooSession?> GetAsync(CancellationToken cancellationToken) => pool.Current.Session.GetAsync(cancellationToken);

    public ValueTask<bool> InvalidateAsync(string version, CancellationToken cancellationToken) =>
        pool.Current.Session.InvalidateAsync(version, cancellationToken);
}
