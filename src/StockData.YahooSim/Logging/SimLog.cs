namespace StockData.YahooSim.Logging;

/// <summary>Every log message of the simulator, with stable event ids (5000–5999).</summary>
internal static partial class SimLog
{
    [LoggerMessage(5000, LogLevel.Information, "YahooSim settings: now={Now}, seed={Seed}, rate={Rate}/s burst {Burst}, latency {Latency} + jitter {Jitter}, " +
                                               "faults 429={Fault429} 500={Fault500} 503={Fault503} truncate={Truncate} slow={Slow} reset={Reset} fault seed={FaultSeed}, " +
                                               "drop dates={DropDates} dividends={DropDividends}, live bar={LiveBar}, null rows={NullRows}")]
    public static partial void Settings(ILogger logger, string now, int seed, double rate, int burst, TimeSpan latency, TimeSpan jitter, double fault429,
        double fault500, double fault503, double truncate, double slow, double reset, int faultSeed, double dropDates, double dropDividends, bool liveBar,
        double nullRows);

    [LoggerMessage(5001, LogLevel.Warning, "YahooSim warm-up failed ({Reason}); the first requests may be counted by a cold simulator")]
    public static partial void WarmUpFailed(ILogger logger, string reason);

    [LoggerMessage(5002, LogLevel.Information, "YahooSim session: auth={Auth}, session ttl {SessionTtl}, getcrumb rate={GetcrumbRate}/s, " +
                                               "rate per client={RatePerClient}/s burst {BurstPerClient}")]
    public static partial void SessionSettings(ILogger logger, string auth, TimeSpan sessionTtl, double getcrumbRate, double ratePerClient, int burstPerClient);
}
