using System.Buffers;
using System.Net;
using StockData.Yahoo.Session;

namespace StockData.Yahoo.Client;

/// <summary>
/// One raw chart response: status, content type, the Retry-After delay and the body, unparsed. The body lives in a
/// buffer rented from <see cref="ArrayPool{T}.Shared"/>: dispose the response once the body has been parsed, and never
/// keep <see cref="Body"/> past that.
/// </summary>
public sealed class YahooResponse : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    public YahooResponse(
        YahooChartRequest request, Uri requestUri, HttpStatusCode statusCode, string? contentType, TimeSpan? retryAfter,
        Version httpVersion, byte[] buffer, int length)
    {
        Request = request;
        RequestUri = requestUri;
        StatusCode = statusCode;
        ContentType = contentType;
        RetryAfter = retryAfter;
        HttpVersion = httpVersion;
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The request this answers.</summary>
    public YahooChartRequest Request { get; }

    /// <summary>The URL sent (which host served it), without the crumb the wire request carried.</summary>
    public Uri RequestUri { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The Content-Type header as sent (e.g. <c>application/json;charset=utf-8</c>); null when absent.</summary>
    public string? ContentType { get; }

    /// <summary>The Retry-After header as a delay from now (a date in the past gives zero); null when absent or unreadable.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The HTTP version the server answered with.</summary>
    public Version HttpVersion { get; }

    /// <summary>The body after decompression. Valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Body =>
        _buffer is { } buffer ? buffer.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(YahooResponse));

    /// <summary>The version of the session the request carried; null when it carried none.</summary>
    public string? SessionVersion { get; internal init; }

    /// <summary>
    /// Whether the response says the session is missing or stale (<see cref="YahooSessionClassifier"/>). The client has
    /// already dropped that session version; the caller may retry once with the next one. Pass it on to the parser as
    /// <see cref="Parsing.ChartResponseInfo.SessionFailure"/>.
    /// </summary>
    public YahooSessionFailure SessionFailure { get; internal init; }

    public bool IsSuccessStatusCode => (int)StatusCode is >= 200 and <= 299;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
