using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;
using StockData.Upstream.Redis;

namespace StockData.Upstream.Caching;

/// <summary>
/// The response cache's L2: plain <c>SET … PX</c> / <c>GET</c> strings on the process's one Redis multiplexer.
/// </summary>
/// <remarks>
/// Not Microsoft's RedisCache: it keeps its own connection state and, on dispose or a forced reconnect, closes the
/// multiplexer it was handed, which here is shared with the rate limiter; it also stores each entry as a three-field
/// hash written by a script. FusionCache only needs absolute expiry, so this is a string per entry. Redis errors
/// surface as exceptions: FusionCache's L2 circuit breaker and timeouts turn them into "no L2 for a while".
/// </remarks>
public sealed class RedisResponseStore(RedisConnectionProvider redis, string keyPrefix, TimeProvider time) : IDistributedCache
{
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var db = await DatabaseAsync(token);
        return (byte[]?)await db.StringGetAsync(keyPrefix + key);
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var ttl = TimeToLive(options);
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var db = await DatabaseAsync(token);
        await db.StringSetAsync(keyPrefix + key, value, ttl);
    }

    // No sliding expiry is ever asked for: a refresh has nothing to do.
    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        var db = await DatabaseAsync(token);
        await db.KeyDeleteAsync(keyPrefix + key);
    }

    /// <summary>
    /// The database, or at once an exception while the multiplexer is disconnected: StackExchange.Redis would park the
    /// command in its backlog until its own timeout (5 s), stalling every cache miss for as long (measured: a replay
    /// stood still for the whole of a Redis outage). FusionCache counts the error and skips L2 for a while.
    /// </summary>
    private async Task<IDatabase> DatabaseAsync(CancellationToken token)
    {
        var multiplexer = await redis.GetAsync(token);
        return multiplexer.IsConnected
            ? multiplexer.GetDatabase()
            : throw new InvalidOperationException("Redis is not connected (response cache L2)");
    }

    private TimeSpan TimeToLive(DistributedCacheEntryOptions options)
    {
        if (options.AbsoluteExpirationRelativeToNow is { } relative)
        {
            return relative;
        }

        if (options.AbsoluteExpiration is { } absolute)
        {
            return absolute - time.GetUtcNow();
        }

        // FusionCache always sets one; without it the entry would never expire, which a cache must not do.
        return options.SlidingExpiration ?? TimeSpan.FromMinutes(5);
    }
}
