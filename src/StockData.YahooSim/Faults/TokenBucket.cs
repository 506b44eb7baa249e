using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;

namespace StockData.YahooSim.Faults;

/// <summary>
/// The global request limit: a token bucket with continuous refill (<c>--rate</c> per second, <c>--burst</c> capacity).
/// A refused request learns exactly when the next token arrives, which becomes its Retry-After.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _rate;
    private readonly double _capacity;
    private double _tokens;
    private long _updated;

    public TokenBucket(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
        : this(options.Value.Rate, options.Value.Burst, timeProvider)
    {
    }

    /// <summary>A bucket of its own (a client address's, getcrumb's), not the global one.</summary>
    public TokenBucket(double rate, double capacity, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _rate = rate;
        _capacity = capacity;
        _tokens = _capacity;
        _updated = timeProvider.GetTimestamp();
    }

    public bool Enabled => _rate > 0;

    /// <summary>Takes a token, or says how long until one is there.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!Enabled)
        {
            return true;
        }

        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var elapsed = _timeProvider.GetElapsedTime(_updated, now).TotalSeconds;
            _tokens = Math.Min(_capacity, _tokens + elapsed * _rate);
            _updated = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / _rate);
            return false;
        }
    }

    /// <summary>Refills the bucket (for <c>POST /sim/reset</c>).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _tokens = _capacity;
            _updated = _timeProvider.GetTimestamp();
        }
    }
}
