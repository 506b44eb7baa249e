using StockData.TestSupport;
using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

/// <summary>
/// Redis Cluster runs a Lua script or a multi-key command only when all its keys hash to one slot (else CROSSSLOT):
/// every set of keys the service touches together must share one.
/// </summary>
public sealed class RedisClusterSlotTests
{
    [Theory]
    [InlineData("123456789", 0x31C3)] // the cluster spec's check value for its CRC16
    [InlineData("", 0)]
    public void Crc16_MatchesTheClusterSpec(string input, int expected) =>
        Assert.Equal(expected, RedisClusterSlot.Crc16(System.Text.Encoding.ASCII.GetBytes(input)));

    [Fact]
    public void Slot_HashTag_IsTheTextInTheFirstBraces()
    {
        // The spec's examples: only the tag is hashed; an empty tag or no closing brace hashes the whole key.
        Assert.Equal(RedisClusterSlot.Of("user1000"), RedisClusterSlot.Of("{user1000}.following"));
        Assert.Equal(RedisClusterSlot.Of("user1000"), RedisClusterSlot.Of("foo{user1000}{bar}"));
        Assert.Equal(RedisClusterSlot.Crc16("foo{}{bar}"u8) % RedisClusterSlot.Count, RedisClusterSlot.Of("foo{}{bar}"));
        Assert.Equal(RedisClusterSlot.Crc16("foo{bar"u8) % RedisClusterSlot.Count, RedisClusterSlot.Of("foo{bar"));
    }

    public static TheoryData<string, string, string?> Scopes => new()
    {
        { "stockdata:rl:", "yahoo", null },
        { "stockdata:rl:", "yahoo", "203.0.113.7" },
        { "x:", "yahoo", "proxy-eu-1" },
        { "t:0123456789ab:s1:", "u42", "2001:db8::1" },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public void EveryScriptAndCommand_KeysOfOneScope_ShareOneSlot(string prefix, string upstream, string? egress)
    {
        var keys = new RateLimitKeys(new RateLimitOptions { KeyPrefix = prefix, Upstream = upstream, EgressId = egress });

        foreach (var set in keys.TouchedTogether)
        {
            var slots = set.Select(k => RedisClusterSlot.Of(k.ToString())).Distinct().ToList();
            Assert.True(slots.Count == 1, $"{string.Join(", ", set)} span slots {string.Join(", ", slots)}");
        }

        // The scripts' key arrays are the ones the callers pass: all of one scope in one slot.
        var all = keys.TokenBucketScript.Concat(keys.CooldownScript).Concat(keys.AuthCooldownScript)
            .Append(keys.Session).Append(keys.SessionLock).Append(keys.SessionNext);
        Assert.Single(all.Select(k => RedisClusterSlot.Of(k.ToString())).Distinct());
    }

    [Fact]
    public void Scopes_OfDifferentEgresses_SpreadOverSlots()
    {
        // One slot per egress, not one for the fleet: an egress pool's buckets spread over the masters.
        var slots = Enumerable.Range(1, 32)
            .Select(i => new RateLimitKeys(new RateLimitOptions { Upstream = "yahoo", EgressId = "10.0.0." + i }))
            .Select(k => RedisClusterSlot.Of(k.Bucket))
            .Distinct()
            .Count();

        Assert.True(slots > 16, $"32 egresses hashed to only {slots} slots");
    }
}
