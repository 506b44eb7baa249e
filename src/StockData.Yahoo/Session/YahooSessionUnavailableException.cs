namespace StockData.Yahoo.Session;

/// <summary>
/// A chart request in mode <c>required</c> found no session and was not sent. The message says why the last attempt
/// failed (never a cookie or crumb value).
/// </summary>
public sealed class YahooSessionUnavailableException : Exception
{
    public YahooSessionUnavailableException()
        : this(null)
    {
    }

    public YahooSessionUnavailableException(string? reason)
        : base("No Yahoo session could be had and StockData:Yahoo:Session is 'required', so the chart request was not sent" +
               (reason is null ? "." : $": {reason}"))
    {
    }

    public YahooSessionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
