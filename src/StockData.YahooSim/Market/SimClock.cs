using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;

namespace StockData.YahooSim.Market;

/// <summary>"Now" for the market model: the fixed <c>--now</c> when given, else the real clock. Rate limiting and delays always use real time.</summary>
internal sealed class SimClock(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
{
    private readonly DateTimeOffset? _fixed = options.Value.Now?.ToUniversalTime();

    public bool IsFixed => _fixed.HasValue;

    /// <summary>Whole seconds, as Yahoo's timestamps are.</summary>
    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds((_fixed ?? timeProvider.GetUtcNow()).ToUnixTimeSeconds());
}
