namespace StockData.YahooSim.Faults;

/// <summary>What a chart request is answered with instead of (or on top of) its normal response.</summary>
internal enum FaultKind
{
    None,
    TooManyRequests,
    InternalServerError,
    ServiceUnavailable,
    Truncated,
    Slow,
    Reset,
}
