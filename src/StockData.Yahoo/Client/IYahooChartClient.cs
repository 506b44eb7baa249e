namespace StockData.Yahoo.Client;

/// <summary>
/// Sends one chart request to Yahoo and returns the raw response, unparsed. One call is one attempt: it never
/// retries, so a Polly pipeline (retry, breaker, limiter) can wrap it and count every attempt.
/// </summary>
/// <remarks>
/// Throws <see cref="InvalidYahooSymbolException"/> before any I/O for a bad symbol;
/// <see cref="YahooAttemptTimeoutException"/> when the attempt exceeds <see cref="YahooOptions.AttemptTimeout"/>;
/// <see cref="YahooResponseTooLargeException"/> past <see cref="YahooOptions.MaxResponseBytes"/>;
/// <see cref="HttpRequestException"/> for transport failures (refused, reset, body cut short by the connection);
/// <see cref="OperationCanceledException"/> when the caller's token fires. Every HTTP status, 4xx and 5xx included, is
/// returned as a <see cref="YahooResponse"/> for the parser to classify.
/// </remarks>
public interface IYahooChartClient
{
    /// <summary>
    /// Sends <paramref name="request"/>. <paramref name="attempt"/> picks the host: even attempts use
    /// <see cref="YahooOptions.BaseUrl"/>, odd ones <see cref="YahooOptions.FallbackBaseUrl"/> when set, so a retry
    /// policy that passes its attempt number fails over between query2 and query1.
    /// </summary>
    Task<YahooResponse> GetChartAsync(YahooChartRequest request, int attempt = 0, CancellationToken cancellationToken = default);
}
