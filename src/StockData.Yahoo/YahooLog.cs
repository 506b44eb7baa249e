using Microsoft.Extensions.Logging;

namespace StockData.Yahoo;

/// <summary>Every log message of the Yahoo adapter, with stable event ids (2000–2999).</summary>
public static partial class YahooLog
{
    [LoggerMessage(2000, LogLevel.Debug, "Yahoo {Symbol} via {Host}: HTTP {Status}, {Bytes} bytes in {ElapsedMs:0.0} ms")]
    public static partial void ResponseReceived(ILogger logger, string symbol, string host, int status, int bytes, double elapsedMs);

    [LoggerMessage(2001, LogLevel.Warning, "Yahoo {Symbol} via {Host}: no complete response within {Timeout}")]
    public static partial void AttemptTimedOut(ILogger logger, string symbol, string host, TimeSpan timeout);

    [LoggerMessage(2002, LogLevel.Warning, "Yahoo {Symbol} via {Host}: the response is larger than {Limit} bytes; reading stopped")]
    public static partial void ResponseTooLarge(ILogger logger, string symbol, string host, int limit);
}
