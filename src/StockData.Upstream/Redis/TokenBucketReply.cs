using StackExchange.Redis;

namespace StockData.Upstream.Redis;

/// <summary>One answer of <c>TokenBucket.lua</c>.</summary>
/// <param name="Granted">The permits were reserved (or, asked with zero permits, one is free now).</param>
/// <param name="Delay">Granted: how long until the reserved slot. Refused: how long until a permit would be free.</param>
/// <param name="Available">Permits left after this call; negative when reservations are queued ahead.</param>
/// <param name="Cooldown">The shared 429 pause left (zero when none).</param>
/// <param name="StrikesPresent">The consecutive-429 count exists in Redis (a success should reset it).</param>
public readonly record struct TokenBucketReply(bool Granted, TimeSpan Delay, long Available, TimeSpan Cooldown, bool StrikesPresent)
{
    public static TokenBucketReply Parse(RedisResult result)
    {
        var values = (RedisResult[])result!;
        return new TokenBucketReply(
            (long)values[0] == 1,
            TimeSpan.FromMicroseconds((long)values[1]),
            (long)values[2],
            TimeSpan.FromMilliseconds((long)values[3]),
            (long)values[4] == 1);
    }
}
