namespace StockData.Upstream.Redis;

/// <summary>
/// Whether Redis is treated as down, and when to try it again. While down, at most one call per probe interval goes to
/// Redis (the probe); every other call takes the fallback at once instead of paying a connect or command timeout.
/// Thread-safe; the transitions are reported once each, so an outage is logged once, not once per request.
/// </summary>
public sealed class RedisOutageTracker(TimeProvider timeProvider, TimeSpan probeInterval)
{
    private readonly Lock _lock = new();
    private volatile bool _active;
    private long _since;
    private long _nextProbe;
    private long _episodes;

    /// <summary>True while Redis is treated as down.</summary>
    public bool IsActive => _active;

    /// <summary>Outages so far (a counter for metrics).</summary>
    public long Episodes => Interlocked.Read(ref _episodes);

    /// <summary>May a call go to Redis now? Always when up; while down, one call per probe interval.</summary>
    public bool TryBeginCall()
    {
        if (!_active)
        {
            return true;
        }

        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            if (!_active)
            {
                return true;
            }

            if (now < _nextProbe)
            {
                return false;
            }

            _nextProbe = now + ToTimestamp(probeInterval);
            return true;
        }
    }

    /// <summary>Time until the next probe may go (zero when up or due).</summary>
    public TimeSpan UntilNextProbe()
    {
        if (!_active)
        {
            return TimeSpan.Zero;
        }

        lock (_lock)
        {
            var left = _nextProbe - timeProvider.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / timeProvider.TimestampFrequency);
        }
    }

    /// <summary>A call failed for want of Redis. True when this starts an outage (log it); false when one is running.</summary>
    public bool RecordFailure()
    {
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            _nextProbe = now + ToTimestamp(probeInterval);
            if (_active)
            {
                return false;
            }

            _active = true;
            _since = now;
            _episodes++;
            return true;
        }
    }

    /// <summary>
    /// A call that started at <paramref name="startedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>) succeeded. Returns
    /// the outage's length when this ends one. A call that began before the outage did not prove Redis is back.
    /// </summary>
    public TimeSpan? RecordSuccess(long startedAt)
    {
        if (!_active)
        {
            return null;
        }

        lock (_lock)
        {
            if (!_active || startedAt < _since)
            {
                return null;
            }

            _active = false;
            return timeProvider.GetElapsedTime(_since);
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * timeProvider.TimestampFrequency);
}
