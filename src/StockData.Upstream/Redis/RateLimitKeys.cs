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
}
