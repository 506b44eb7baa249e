namespace StockData.Yahoo.Client;

/// <summary>
/// An intraday range reaches further back than Yahoo serves that interval (1m: 30 days; 2m–90m: 60 days;
/// 60m/1h: 730 days). Yahoo would answer with an error or nothing, so no request is planned.
/// </summary>
public sealed class YahooRequestWindowException : ArgumentOutOfRangeException
{
    public YahooRequestWindowException()
    {
    }

    public YahooRequestWindowException(string message)
        : base(message)
    {
    }

    public YahooRequestWindowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public YahooRequestWindowException(string symbol, string interval, DateTimeOffset from, DateTimeOffset earliest, TimeSpan window)
        : base("from",
            $"Yahoo serves {interval} bars only for the last {window.TotalDays:0} days: '{YahooSymbol.Printable(symbol)}' from " +
            $"{from:yyyy-MM-dd HH:mm:ss}Z starts before {earliest:yyyy-MM-dd HH:mm:ss}Z. Start later, or use a longer interval.")
    {
        Earliest = earliest;
    }

    /// <summary>The earliest start that would have been accepted.</summary>
    public DateTimeOffset Earliest { get; }
}
