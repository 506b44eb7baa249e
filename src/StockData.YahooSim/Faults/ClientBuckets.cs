using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;

namespace StockData.YahooSim.Faults;

/// <summary>
/// <c>--rate-per-client</c>: one token bucket per client address, as Yahoo limits each IP on its own. Beside the global
/// <see cref="TokenBucket"/>, so N clients on N addresses get N allowances while the global rate still caps them all.
/// </summary>
internal sealed class ClientBuckets(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
{
    private readonly double _rate = options.Value.RatePerClient;
    private readonly int _burst = options.Value.BurstPerClient;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public bool Enabled => _rate > 0;

    /// <summary>Takes a token from <paramref name="client"/>'s bucket, or says how long until one is there.</summary>
    public bool TryTake(string client, out TimeSpan retryAfter)
    {
        if (!Enabled)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        return _buckets.GetOrAdd(client, _ => new TokenBucket(_rate, _burst, timeProvider)).TryTake(out retryAfter);
    }

    /// <summary>Forgets every client (for <c>POST /sim/reset</c>): each starts again with a full bucket.</summary>
    public void Reset() => _buckets.Clear();
}
