namespace StockData.Yahoo.Client;

/// <summary>
/// One attempt took longer than <see cref="YahooOptions.AttemptTimeout"/> (connect, headers and body together).
/// Transient: a retry policy should treat it like a 5xx. Distinct from the caller's own cancellation, which surfaces
/// as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class YahooAttemptTimeoutException : TimeoutException
{
    public YahooAttemptTimeoutException()
    {
    }

    public YahooAttemptTimeoutException(string message)
        : base(message)
    {
    }

    public YahooAttemptTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public YahooAttemptTimeoutException(Uri requestUri, TimeSpan timeout, Exception innerException)
        : base($"The request to {requestUri} did not complete within StockData:Yahoo:AttemptTimeout ({timeout}).", innerException)
    {
        RequestUri = requestUri;
        Timeout = timeout;
    }

    public Uri? RequestUri { get; }

    public TimeSpan Timeout { get; }
}
