using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;

namespace StockData.YahooSim.Session;

/// <summary>
/// <c>--getcrumb-rate</c>: getcrumb's own bucket (burst 1). A refused call alternates between the two answers Yahoo
/// gives a throttled getcrumb: a 429, and a 200 whose body is the text <c>Too Many Requests</c>.
/// </summary>
internal sealed class GetcrumbThrottle(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
{
    private readonly TokenBucket? _bucket = options.Value.GetcrumbRate > 0 ? new TokenBucket(options.Value.GetcrumbRate, 1, timeProvider) : null;
    private long _refused;

    /// <summary>Null when the call may proceed; else the status to answer with (429 or 200) and the wait until the next token.</summary>
    public (int Status, TimeSpan RetryAfter)? Check()
    {
        if (_bucket is null || _bucket.TryTake(out var wait))
        {
            return null;
        }

        return (Interlocked.Increment(ref _refused) % 2 == 1 ? 429 : 200, wait);
    }

    public void Reset() => _bucket?.Reset();
}
