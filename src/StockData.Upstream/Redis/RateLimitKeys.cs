using StackExchange.Redis;

namespace StockData.Upstream.Redis;

/// <summary>
/// The Redis keys of one limiter scope. The scope (upstream, plus the egress id when set) sits in a <c>{hash tag}</c> so
/// every key a script touches hashes to one Redis Cluster slot (otherwise CROSSSLOT).
/// </summary>
public sealed class RateLimitKeys
{
    public RateLimitKeys(RateLimitOptions options)
    {
        Scope = string.IsNullOrEmpty(options.EgressId) ? options.Upstream : options.Upstream + "@" + options.EgressId;
        var tagged = options.KeyPrefix + "{" + Scope + "}";
        Bucket = tagged + ":tat";
        Cooldown = tagged + ":cooldown";
        Strikes = tagged + ":strikes";
        Ramp = tagged + ":ramp";
        Session = tagged + ":session";
        SessionLock = tagged + ":session:lock";
        SessionNext = tagged + ":session:next";
        AuthCooldown = tagged + ":auth:cooldown";
        AuthFailures = tagged + ":auth:failures";
    }

    /// <summary>The scope's name, for logs: <c>yahoo</c> or <c>yahoo@egress</c>.</summary>
    public string Scope { get; }

    /// <summary>The bucket's theoretical arrival time (µs, Redis server clock).</summary>
    public string Bucket { get; }

    /// <summary>Present while every replica pauses after a 429; its PTTL is the pause left.</summary>
    public string Cooldown { get; }

    /// <summary>Consecutive 429 episodes, reset by a success: the cooldown doubles with it.</summary>
    public string Strikes { get; }

    /// <summary>When the bucket's current cold-start ramp began (µs, Redis server clock); present only during one.</summary>
    public string Ramp { get; }

    /// <summary>The egress's Yahoo session (a hash: cookie, crumb, version, obtained, strategy), shared by the fleet.</summary>
    public string Session { get; }

    /// <summary>Held (with an expiry) by the one replica refreshing the session; its value is that refresh's token.</summary>
    public string SessionLock { get; }

    /// <summary>Present until the next session refresh is allowed (at most one per MinRefreshInterval per egress).</summary>
    public string SessionNext { get; }

    /// <summary>Present while the fleet holds chart requests back after repeated auth failures; its PTTL is the pause left.</summary>
    public string AuthCooldown { get; }

    /// <summary>Auth failures in a row (failed refreshes, final refusals), reset by a success.</summary>
    public string AuthFailures { get; }

    /// <summary>The keys TokenBucket.lua is given, in its KEYS order. One array per scope, shared by every call.</summary>
    public RedisKey[] TokenBucketScript => [Bucket, Cooldown, Strikes, Ramp];

    /// <summary>The keys Cooldown.lua is given, in its KEYS order.</summary>
    public RedisKey[] CooldownScript => [Cooldown, Strikes];

    /// <summary>The keys of the auth cooldown's report script, in its KEYS order.</summary>
    public RedisKey[] AuthCooldownScript => [AuthCooldown, AuthFailures];

    /// <summary>
    /// Every set of keys one script call or command touches together, for the check that each stays in one Redis
    /// Cluster slot (a Lua script or multi-key command across slots fails with CROSSSLOT).
    /// </summary>
    public IReadOnlyList<RedisKey[]> TouchedTogether =>
        [TokenBucketScript, CooldownScript, AuthCooldownScript, [Session], [SessionLock], [SessionNext]];
}
