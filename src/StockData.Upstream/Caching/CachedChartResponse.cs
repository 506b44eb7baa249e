using System.Buffers;
using System.IO.Compression;
using System.Net;
using StockData.Yahoo.Client;

namespace StockData.Upstream.Caching;

/// <summary>
/// One raw chart response as cached: status, content type, retry-after and the body Brotli-compressed (Yahoo's JSON
/// shrinks about 5-10x, so L1 holds more entries and L2 moves fewer bytes; the JSON envelope FusionCache wraps it in
/// base64-encodes the compressed bytes, not the raw ones).
/// </summary>

public sealed class CachedChartResponse
{
    // Quality 1 with a 22-bit window: about gzip's ratio at several times its speed on JSON.
    private const int BrotliQuality = 1;
    private const int BrotliWindow = 22;

    public int Status { get; set; }

    public string? ContentType { get; set; }

    public long? RetryAfterMilliseconds { get; set; }

    /// <summary>The URL that was fetched (which host answered), kept for logs.</summary>
    public string RequestUri { get; set; } = "";

    /// <summary>The body's length before compression.</summary>
    public int Length { get; set; }

    /// <summary>The body, Brotli-compressed.</summary>
    public byte[] Body { get; set; } = [];

    internal static CachedChartResponse From(YahooResponse response)
    {
        var body = response.Body.Span;
        var bound = BrotliEncoder.GetMaxCompressedLength(body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bound, 64));
        try
        {
            if (!BrotliEncoder.TryCompress(body, buffer, out var written, BrotliQuality, BrotliWindow))
            {
                throw new InvalidOperationException("Brotli could not compress within its own bound.");
            }

            return new CachedChartResponse
            {
                Status = (int)response.StatusCode,
                ContentType = response.ContentType,
                RetryAfterMilliseconds = response.RetryAfter is { } r ? (long)Math.Ceiling(r.TotalMilliseconds) : null,
                RequestUri = response.RequestUri.ToString(),
                Length = body.Length,
                Body = buffer.AsSpan(0, written).ToArray(),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A fresh response (its own pooled buffer, to be disposed) answering <paramref name="request"/>.</summary>
    internal YahooResponse ToResponse(YahooChartRequest request)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Length, 1));
        try
        {
            if (!BrotliDecoder.TryDecompress(Body, buffer, out var written) || written != Length)
            {
                throw new InvalidDataException($"A cached chart response for {request.Symbol} did not decompress to its {Length} bytes.");
            }

            var response = new YahooResponse(request, new Uri(RequestUri), (HttpStatusCode)Status, ContentType,
                RetryAfterMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, HttpVersion.Version11, buffer, Length);
            buffer = null;
            return response;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
