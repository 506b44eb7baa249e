using StockData.Upstream.Redis;
using StockData.Upstream.Session;
using StockData.Yahoo.Egress;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Egress;

/// <summary>Everything one egress has of its own: its limiter and 429 cooldown, its session (fleet-shared) and auth cooldown.</summary>
public sealed class EgressLane(EgressLimiter limiter, AuthCooldown authCooldown, InProcessYahooSessionSource localSession, RedisYahooSessionSource session)
{
    private int _pending;

    public YahooEgress Egress => limiter.Egress;

    public string Id => limiter.Egress.Id;

    /// <summary>The limiter scope: the <c>egress</c> label of the metrics.</summary>
    public string Scope => limiter.Scope;

    public EgressLimiter Limits => limiter;

    public RedisTokenBucketRateLimiter Limiter => limiter.Limiter;

    public RedisCooldownStore Cooldown => limiter.Cooldown;

    public AuthCooldown AuthCooldown => authCooldown;

    public InProcessYahooSessionSource LocalSession => localSession;

    public RedisYahooSessionSource Session => session;

    /// <summary>Callers of this process that chose this egress and have not had their slot yet (the router's spread).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Counts a caller from its choice of this egress until its slot is granted or refused (dispose the result).</summary>
    public PendingChoice Choose()
    {
        Interlocked.Increment(ref _pending);
        return new PendingChoice(this);
    }

    /// <summary>Ends one <see cref="Choose"/> (once).</summary>
    public sealed class PendingChoice(EgressLane lane) : IDisposable
    {
        private int _done;

        public EgressLane Lane => lane;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref lane._pending);
            }
        }
    }
}
