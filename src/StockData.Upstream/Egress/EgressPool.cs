using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Upstream.Session;
using StockData.Yahoo;
using StockData.Yahoo.Egress;
using StockData.Yahoo.Session;

namespace StockData.Upstream.Egress;

/// <summary>
/// The egress pool: one <see cref="EgressLane"/> per configured egress (limiter, cooldown, fleet-shared session, auth
/// cooldown). The fetch service routes each attempt to a lane (<see cref="EgressRouter"/>) and sends it inside that
/// lane's <see cref="EgressScope"/>, which picks the lane's HTTP handler (and proxy), session and limiter below.
/// </summary>
public sealed class EgressPool
{
    private readonly Dictionary<string, EgressLane> _byId;

    public EgressPool(EgressLimiters limiters, YahooSessionFetcher fetcher, IOptions<YahooOptions> options, AuthCooldownSettings authSettings,
        TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Lanes = limiters.All.Select(limiter =>
        {
            var auth = new AuthCooldown(limiter.Backend, authSettings, loggerFactory.CreateLogger<AuthCooldown>());
            var local = new InProcessYahooSessionSource(fetcher, options, timeProvider, loggerFactory.CreateLogger<InProcessYahooSessionSource>());
            var shared = new RedisYahooSessionSource(limiter.Backend, local, fetcher, limiter.Cooldown, auth, options,
                loggerFactory.CreateLogger<RedisYahooSessionSource>());
            return new EgressLane(limiter, auth, local, shared);
        }).ToList();
        _byId = Lanes.ToDictionary(l => l.Id, StringComparer.Ordinal);
    }

    /// <summary>Every lane, in configuration order; the first is the default egress.</summary>
    public IReadOnlyList<EgressLane> Lanes { get; }

    /// <summary>The lane of the egress this flow sends through (<see cref="EgressScope"/>), or the first.</summary>
    public EgressLane Current => EgressScope.Current is { } id && _byId.TryGetValue(id, out var lane) ? lane : Lanes[0];
}
