using StockData.Core;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockData.Upstream.Redis;
using ZiggyCreatures.Caching.Fusion.Locking.Distributed;

namespace StockData.Upstream.Caching;

/// <summary>
/// Cross-replica stampede protection for the response cache: one Redis lock per key (<c>SET NX PX</c>, released by a
/// compare-and-delete script), so replicas that miss the same key at once make one upstream call; the others wait,
/// then find the entry in L2.
/// </summary>
/// <remarks>
/// Written here rather than FusionCache's Redis locker package, which brings DistributedLock.Redis and its own
/// connection handling; this one uses the process's multiplexer. A waiter polls (25 ms, growing to 200 ms): locks are
/// rare and short (one chart fetch). The lock expires after <c>expiry</c> (the fetch deadline), so a replica that dies
/// holding one stalls the others at most that long. Redis unreachable: no lock, the caller goes on without one
/// (at most one upstream call per replica, as without this locker).
/// </remarks>
public sealed class RedisCacheLocker(
    RedisConnectionProvider redis, string keyPrefix, TimeSpan expiry, TimeSpan callTimeout, TimeSpan breakDuration, TimeProvider time)
    : IFusionCacheDistributedLocker
{
    // After a failed call the locker skips Redis for breakDuration: a stopped Redis must not cost every cache miss a
    // wait (StackExchange.Redis queues commands while it reconnects, up to its own timeout).
    private long _skipUntil;

    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private static readonly TimeSpan MaxLockWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(200);

    public async ValueTask<object?> AcquireLockAsync(string cacheName, string cacheInstanceId, string operationId, string key,
        string lockName, TimeSpan timeout, ILogger? logger, CancellationToken token)
    {
        var redisKey = (RedisKey)(keyPrefix + "lock:" + key);
        var value = (RedisValue)Guid.NewGuid().ToString("N");
        // A holder killed mid-fetch (SIGKILL, OOM) leaves its lock until expiry (the fetch deadline, minutes): waiters
        // give up after MaxLockWait and fetch themselves, so a crashed replica cannot stall the survivors (seen in the
        // lease-takeover test). A live holder's fetch normally returns well within it.
        var limit = timeout < TimeSpan.Zero || timeout > expiry ? expiry : timeout;
        limit = limit > MaxLockWait ? MaxLockWait : limit;
        var started = time.GetTimestamp();
        var polls = 0;
        if (time.GetTimestamp() < Interlocked.Read(ref _skipUntil))
        {
            return null;
        }

        try
        {
            var multiplexer = await redis.GetAsync(token);
            if (!multiplexer.IsConnected)
            {
                // Not the backlog's wait: no lock, at once (see RedisResponseStore).
                Interlocked.Exchange(ref _skipUntil, time.GetTimestamp() + (long)(breakDuration.TotalSeconds * time.TimestampFrequency));
                return null;
            }

            var db = multiplexer.GetDatabase();
            while (true)
            {
                if (await db.StringSetAsync(redisKey, value, expiry, When.NotExists).WaitAsync(callTimeout, time, token))
                {
                    return new Held(redisKey, value);
                }

                var left = limit - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                var poll = Backoff.Doubling(FirstPoll, ++polls, LongestPoll);
                await Task.Delay(poll < left ? poll : left, time, token);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Interlocked.Exchange(ref _skipUntil, time.GetTimestamp() + (long)(breakDuration.TotalSeconds * time.TimestampFrequency));
            return null;
        }
    }

    public object? AcquireLock(string cacheName, string cacheInstanceId, string operationId, string key, string lockName,
        TimeSpan timeout, ILogger? logger, CancellationToken token) =>
        AcquireLockAsync(cacheName, cacheInstanceId, operationId, key, lockName, timeout, logger, token).AsTask().GetAwaiter().GetResult();

    public async ValueTask ReleaseLockAsync(string cacheName, string cacheInstanceId, string operationId, string key, string lockName,
        object? lockObj, ILogger? logger, CancellationToken token)
    {
        if (lockObj is not Held held)
        {
            return;
        }

        try
        {
            var multiplexer = await redis.GetAsync(CancellationToken.None);
            if (!multiplexer.IsConnected)
            {
                return;
            }

            var db = multiplexer.GetDatabase();
            await db.ScriptEvaluateAsync(ReleaseScript, [held.Key], [held.Value]).WaitAsync(callTimeout, time, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // It expires by itself.
        }
    }

    public void ReleaseLock(string cacheName, string cacheInstanceId, string operationId, string key, string lockName, object? lockObj,
        ILogger? logger, CancellationToken token) =>
        ReleaseLockAsync(cacheName, cacheInstanceId, operationId, key, lockName, lockObj, logger, token).AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
    }

    private sealed record Held(RedisKey Key, RedisValue Value);
}
