using StackExchange.Redis;

namespace StockData.Upstream.Redis;

/// <summary>One answer of <c>Cooldown.lua</c>.</summary>
/// <param name="Remaining">The pause now in force (zero when none).</param>
/// <param name="Strikes">Consecutive 429 episodes so far.</param>
/// <param name="Extended">This call moved the expiry later.</param>
public readonly record struct CooldownReply(TimeSpan Remaining, int Strikes, bool Extended)
{
    public static CooldownReply Parse(RedisResult result)
    {
        var values = (RedisResult[])result!;
        return new CooldownReply(TimeSpan.FromMilliseconds((long)values[0]), (int)(long)values[1], (long)values[2] == 1);
    }
}
