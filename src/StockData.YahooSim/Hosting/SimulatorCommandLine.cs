using StockData.YahooSim.Configuration;

namespace StockData.YahooSim.Hosting;

/// <summary>The command-line switches, each mapped to a <see cref="SimulatorOptions"/> key (environment: <c>YahooSim__Key</c>).</summary>
internal static class SimulatorCommandLine
{
    public static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--now"] = Key(nameof(SimulatorOptions.Now)),
        ["--latency"] = Key(nameof(SimulatorOptions.Latency)),
        ["--jitter"] = Key(nameof(SimulatorOptions.Jitter)),
        ["--rate"] = Key(nameof(SimulatorOptions.Rate)),
        ["--burst"] = Key(nameof(SimulatorOptions.Burst)),
        ["--retry-after-header"] = Key(nameof(SimulatorOptions.RetryAfterHeader)),
        ["--fault-429"] = Key(nameof(SimulatorOptions.Fault429)),
        ["--fault-500"] = Key(nameof(SimulatorOptions.Fault500)),
        ["--fault-503"] = Key(nameof(SimulatorOptions.Fault503)),
        ["--fault-truncate"] = Key(nameof(SimulatorOptions.FaultTruncate)),
        ["--fault-slow"] = Key(nameof(SimulatorOptions.FaultSlow)),
        ["--fault-reset"] = Key(nameof(SimulatorOptions.FaultReset)),
        ["--slow-delay"] = Key(nameof(SimulatorOptions.SlowDelay)),
        ["--fault-retry-after"] = Key(nameof(SimulatorOptions.FaultRetryAfter)),
        ["--seed"] = Key(nameof(SimulatorOptions.Seed)),
        ["--fault-seed"] = Key(nameof(SimulatorOptions.FaultSeed)),
        ["--drop-dates"] = Key(nameof(SimulatorOptions.DropDates)),
        ["--drop-dividends"] = Key(nameof(SimulatorOptions.DropDividends)),
        ["--halts"] = Key(nameof(SimulatorOptions.Halts)),
        ["--not-found-pattern"] = Key(nameof(SimulatorOptions.NotFoundPattern)),
        ["--live-bar"] = Key(nameof(SimulatorOptions.LiveBar)),
        ["--null-rows"] = Key(nameof(SimulatorOptions.NullRows)),
        ["--gzip"] = Key(nameof(SimulatorOptions.Gzip)),
        ["--cache-mb"] = Key(nameof(SimulatorOptions.CacheMegabytes)),
        ["--auth"] = Key(nameof(SimulatorOptions.Auth)),
        ["--session-ttl"] = Key(nameof(SimulatorOptions.SessionTtl)),
        ["--getcrumb-rate"] = Key(nameof(SimulatorOptions.GetcrumbRate)),
        ["--rate-per-client"] = Key(nameof(SimulatorOptions.RatePerClient)),
        ["--burst-per-client"] = Key(nameof(SimulatorOptions.BurstPerClient)),
    };

    public const string Usage = """
        StockData.YahooSim: a Yahoo Finance chart API simulator.
          GET  /v8/finance/chart/{symbol}?period1=&period2=|range=&interval=&events=&includePrePost=
          GET  / (fc.yahoo.com)   GET /quote/{symbol}   GET /v1/test/getcrumb   (the session: cookie A3, then a crumb)
          GET  /consent   POST /v2/collectConsent   GET /copyConsent        (the consent form, --auth consent)
          GET  /sim/stats     POST /sim/reset     GET /healthz
        Options (command line, or environment YahooSim__<Name>):
          --urls URL                   listen address (default http://127.0.0.1:5080; port 0 picks a free one)
          --now ISO-8601               fixed clock: byte-identical responses (default: real clock)
          --seed N                     mixed into every symbol's history seed (default 0: the symbol alone)
          --latency T --jitter T       added delay, fixed + uniform [0, jitter] (TimeSpan, e.g. 00:00:00.050)
          --rate R --burst N           global token bucket (requests/s, 0 = off; burst default 10) -> 429
          --retry-after-header BOOL    send Retry-After with 429s (default true)
          --fault-429 P --fault-500 P --fault-503 P --fault-truncate P --fault-slow P --fault-reset P
          --slow-delay T (default 00:01:00)  --fault-retry-after T (default 00:00:01)  --fault-seed N (default 1)
          --drop-dates P --drop-dividends P  silently omit dates / dividends from 200s (drawn per request)
          --halts SYM:yyyy-MM-dd,...   dates absent on every request
          --not-found-pattern REGEX    symbols answering 404 (default ^ZZ)
          --live-bar BOOL              today's bar stamped with the last trade time (default true)
          --null-rows P                share of all-null rows (default 0.002; 0 = clean)
          --gzip BOOL                  gzip 200 bodies when the client accepts it (default true)
          --cache-mb N                 response cache bound with a fixed --now (default 256)
          --auth none|session|consent  what a chart request must carry (default none; session: cookie + crumb -> else 401;
                                       consent: as session, and the cookie pages redirect to a consent form first)
          --session-ttl T              how long an issued session is honoured (default 1.00:00:00)
          --getcrumb-rate R            getcrumb answers per second (burst 1) before 429 / 200 "Too Many Requests" (0 = off)
          --rate-per-client R --burst-per-client N   a token bucket per client address beside --rate (0 = off; burst 10)
        """;

    private static string Key(string name) => SimulatorOptions.SectionName + ":" + name;
}
