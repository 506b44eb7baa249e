using StockData.Core;

namespace StockData.Upstream.Redis;

/// <summary>
/// The cooldown as this process knows it: its own 429s, and the shared pause last seen in Redis. It is what the
/// replica honours while Redis is down, and it spares a round trip for a pause this process already knows about.
/// The doubling rules are those of <c>Cooldown.lua</c>.
/// </summary>
public sealed class LocalCooldown(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private long _until;
    private int _strikes;
    private long _strikesUntil;

    /// <summary>The pause left (zero when none).</summary>
    public TimeSpan Remaining()
    {
        lock (_lock)
        {
            return Left(_until, timeProvider.GetTimestamp());
        }
    }

    /// <summary>Consecutive 429 episodes known here.</summary>
    public int Strikes
    {
        get
        {
            lock (_lock)
            {
                return timeProvider.GetTimestamp() < _strikesUntil ? _strikes : 0;
            }
        }
    }

    /// <summary>A 429 (<paramref name="countStrike"/>) or a plain extension, with the rules of the shared script.</summary>
    public CooldownReply Report(TimeSpan? requested, TimeSpan defaultCooldown, TimeSpan maxCooldown, bool countStrike)
    {
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            var current = Left(_until, now);
            var strikes = now < _strikesUntil ? _strikes : 0;
            if (countStrike)
            {
                if (current <= TimeSpan.Zero || strikes == 0)
                {
                    strikes++;
                }

                _strikes = strikes;
                _strikesUntil = now + ToTimestamp(StrikesLifetime(maxCooldown));
            }

            var duration = requested ?? Backoff.Doubling(defaultCooldown, strikes, maxCooldown);
            if (duration > maxCooldown)
            {
                duration = maxCooldown;
            }

            if (duration > TimeSpan.Zero && duration > current)
            {
                _until = now + ToTimestamp(duration);
                return new CooldownReply(duration, strikes, Extended: true);
            }

            return new CooldownReply(current, strikes, Extended: false);
        }
    }

    /// <summary>Remember a pause seen in Redis (extend-only), so it is kept if Redis goes away.</summary>
    public void Observe(TimeSpan remaining)
    {
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            var until = timeProvider.GetTimestamp() + ToTimestamp(remaining);
            if (until > _until)
            {
                _until = until;
            }
        }
    }

    /// <summary>Take the shared count of consecutive 429s (Redis is the authority while it answers).</summary>
    public void SetStrikes(int strikes, TimeSpan lifetime)
    {
        lock (_lock)
        {
            _strikes = strikes;
            _strikesUntil = timeProvider.GetTimestamp() + ToTimestamp(lifetime);
        }
    }

    /// <summary>A success: the next 429 starts again from the default pause.</summary>
    public void ResetStrikes()
    {
        lock (_lock)
        {
            _strikes = 0;
            _strikesUntil = 0;
        }
    }

    /// <summary>
    /// How long a run of 429s is remembered without a success in between (also the Redis strikes key's TTL): long
    /// enough to span the longest pause and a retry after it, short enough that a replica gone quiet forgets it.
    /// </summary>
    internal static TimeSpan StrikesLifetime(TimeSpan maxCooldown) => maxCooldown * 2;

    private TimeSpan Left(long until, long now) =>
        until <= now ? TimeSpan.Zero : TimeSpan.FromSeconds((double)(until - now) / timeProvider.TimestampFrequency);

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * timeProvider.TimestampFrequency);
}
