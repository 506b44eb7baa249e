using Microsoft.Extensions.Options;

namespace StockData.Upstream.Caching;

/// <summary>
/// Each exchange's open/closed status, in the bounded LRU (<c>cache="exchange_status"</c>). An entry answers until its
/// <see cref="ExchangeStatus.Until"/> (the next session boundary) and is a miss after it, so a status is worked out
/// once per exchange per session change, not once per symbol.
/// </summary>
/// <remarks>
/// Hook for the scheduler (daemon branch): look up with <see cref="TryGet"/>; on a miss, compute the status from the
/// exchange's calendar and <see cref="Set"/> it with the time of its next change. Keys are the exchange's IANA zone or
/// Yahoo exchange name, whichever the caller groups symbols by.
/// </remarks>
public sealed class ExchangeStatusCache(IOptions<ResponseCacheOptions> options, TimeProvider time)
{
    public const string CacheLabel = "exchange_status";

    private readonly LruCache<string, ExchangeStatus> _lru =
        new(CacheLabel, options.Value.MetadataCapacity, StringComparer.Ordinal, status => time.GetUtcNow() < status.Until);

    public bool TryGet(string exchange, out ExchangeStatus status) => _lru.TryGet(exchange, out status);

    public void Set(string exchange, ExchangeStatus status) => _lru.Set(exchange, status);
}
