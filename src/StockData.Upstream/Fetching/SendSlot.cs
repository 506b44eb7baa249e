namespace StockData.Upstream.Fetching;

/// <summary>
/// When the current attempt's rate-limiter slot fell due (or, without one, when it was granted), carried from <see cref="ChartFetchService"/> down to
/// <see cref="LateSendGuard"/> in the HTTP handler chain. An async-local value flows to the calls an attempt makes
/// (the Yahoo client, then its handlers) and never back up, so concurrent attempts each see their own grant.
/// </summary>
public sealed class SendSlot
{
    private readonly AsyncLocal<long> _grantedAt = new();

    /// <summary>Marks the calls that follow as sent under a slot granted at <paramref name="timestamp"/> (0 = none).</summary>
    public void Granted(long timestamp) => _grantedAt.Value = timestamp;

    /// <summary>The grant's timestamp for this flow, or 0 when the request went through no limiter.</summary>
    public long GrantedAt => _grantedAt.Value;
}
