using Microsoft.Extensions.Logging;
using StockData.Yahoo.Session;

namespace StockData.Yahoo;

/// <summary>
/// Every log message of the Yahoo adapter, with stable event ids (2000–2999). Sessions are named by their version (a
/// short hash) only: no message takes a cookie or crumb value.
/// </summary>
public static partial class YahooLog
{
    [LoggerMessage(2000, LogLevel.Debug, "Yahoo {Symbol} via {Host}: HTTP {Status}, {Bytes} bytes in {ElapsedMs:0.0} ms")]
    public static partial void ResponseReceived(ILogger logger, string symbol, string host, int status, int bytes, double elapsedMs);

    [LoggerMessage(2001, LogLevel.Warning, "Yahoo {Symbol} via {Host}: no complete response within {Timeout}")]
    public static partial void AttemptTimedOut(ILogger logger, string symbol, string host, TimeSpan timeout);

    [LoggerMessage(2002, LogLevel.Warning, "Yahoo {Symbol} via {Host}: the response is larger than {Limit} bytes; reading stopped")]
    public static partial void ResponseTooLarge(ILogger logger, string symbol, string host, int limit);

    [LoggerMessage(2010, LogLevel.Information, "Yahoo session {Version} obtained ({Strategy}) in {ElapsedMs:0.0} ms")]
    public static partial void SessionObtained(ILogger logger, string version, string strategy, double elapsedMs);

    [LoggerMessage(2011, LogLevel.Warning, "Yahoo session strategy {Strategy} failed ({Kind}): {Reason}")]
    public static partial void SessionStrategyFailed(ILogger logger, string strategy, YahooSessionErrorKind kind, string reason);

    [LoggerMessage(2012, LogLevel.Warning, "No Yahoo session ({Kind}: {Reason}); mode {Mode}, next attempt in {Interval} at the earliest")]
    public static partial void SessionUnavailable(ILogger logger, YahooSessionErrorKind kind, string reason, YahooSessionMode mode, TimeSpan interval);

    [LoggerMessage(2013, LogLevel.Information, "Yahoo session {Version} dropped: a chart request with it was refused")]
    public static partial void SessionInvalidated(ILogger logger, string version);

    [LoggerMessage(2014, LogLevel.Information, "Yahoo consent form from {FormHost} answered (posted to {ActionHost})")]
    public static partial void ConsentAnswered(ILogger logger, string formHost, string actionHost);

    [LoggerMessage(2015, LogLevel.Warning, "Yahoo {Symbol} via {Host}: session {Version} failed ({Failure}, HTTP {Status})")]
    public static partial void SessionRefused(ILogger logger, string symbol, string host, string version, YahooSessionFailure failure, int status);
}
