namespace StockData.Yahoo.Client;

/// <summary>
/// The body grew past <see cref="YahooOptions.MaxResponseBytes"/> while it was read; reading stopped there. Not a
/// transient failure: retrying the same request gets the same body.
/// </summary>
public sealed class YahooResponseTooLargeException : Exception
{
    public YahooResponseTooLargeException()
    {
    }

    public YahooResponseTooLargeException(string message)
        : base(message)
    {
    }

    public YahooResponseTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public YahooResponseTooLargeException(Uri requestUri, long limit)
        : base($"The response to {requestUri} is larger than StockData:Yahoo:MaxResponseBytes ({limit} bytes); reading stopped. " +
               "Ask for a shorter range, or raise the limit with StockData__Yahoo__MaxResponseBytes.")
    {
        RequestUri = requestUri;
        Limit = limit;
    }

    public Uri? RequestUri { get; }

    public long Limit { get; }
}
