using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Yahoo.Session;

namespace StockData.Yahoo.Client;

/// <summary>
/// The typed HttpClient behind <see cref="IYahooChartClient"/>: one GET per call, carrying the current session (cookie
/// and crumb) when there is one, the body streamed into a pooled buffer under the size cap, the whole attempt under
/// <see cref="YahooOptions.AttemptTimeout"/>. A response that says the session failed drops that session version.
/// </summary>
public sealed class YahooChartClient : IYahooChartClient
{
    private const int InitialBufferBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly YahooOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<YahooChartClient> _logger;
    private readonly Uri[] _hosts;
    private readonly IYahooSessionSource _sessions;

    public YahooChartClient(HttpClient http, IOptions<YahooOptions> options, IYahooSessionSource sessions, TimeProvider timeProvider,
        ILogger<YahooChartClient> logger)
    {
        _http = http;
        _sessions = sessions;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _hosts = string.IsNullOrWhiteSpace(_options.FallbackBaseUrl)
            ? [new Uri(_options.BaseUrl)]
            : [new Uri(_options.BaseUrl), new Uri(_options.FallbackBaseUrl)];
    }

    public async Task<YahooResponse> GetChartAsync(YahooChartRequest request, int attempt = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var uri = YahooUrlBuilder.Build(_hosts[attempt % _hosts.Length], request, _options.Events);

        // Obtaining a session (first use, or after a refusal) is not part of the attempt: it has its own timeouts.
        var session = await _sessions.GetAsync(cancellationToken);
        if (session is null && _sessions.Mode == YahooSessionMode.Required)
        {
            throw new YahooSessionUnavailableException(_sessions.LastError?.Message);
        }

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _timeProvider.GetTimestamp();
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, session is null ? uri : YahooUrlBuilder.WithCrumb(uri, session.Crumb))
            {
                // HTTP/2 when the server offers it through ALPN, else HTTP/1.1 (plain-http simulators stay on 1.1).
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            };
            if (session is not null)
            {
                message.Headers.TryAddWithoutValidation("Cookie", session.CookieHeader);
            }

            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var result = await ReadAsync(request, uri, response, session, linked.Token);
            if (result.SessionFailure != YahooSessionFailure.None && session is not null)
            {
                YahooLog.SessionRefused(_logger, request.Symbol, uri.Host, session.Version, result.SessionFailure, (int)result.StatusCode);
                await _sessions.InvalidateAsync(session.Version, CancellationToken.None);
            }

            YahooLog.ResponseReceived(_logger, request.Symbol, uri.Host, (int)result.StatusCode, result.Body.Length,
                _timeProvider.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
                                   ex is OperationCanceledException or IOException or HttpRequestException)
        {
            YahooLog.AttemptTimedOut(_logger, request.Symbol, uri.Host, _options.AttemptTimeout);
            throw new YahooAttemptTimeoutException(uri, _options.AttemptTimeout, ex);
        }
    }

    private async Task<YahooResponse> ReadAsync(YahooChartRequest request, Uri uri, HttpResponseMessage response, YahooSession? session,
        CancellationToken token)
    {
        var limit = _options.MaxResponseBytes;
        var declared = response.Content.Headers.ContentLength;
        if (declared > limit)
        {
            // Refuse before reading a byte: the server told us the size.
            YahooLog.ResponseTooLarge(_logger, request.Symbol, uri.Host, limit);
            throw new YahooResponseTooLargeException(uri, limit);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 ? (int)declared.Value + 1 : InitialBufferBytes);
        var length = 0;
        try
        {
            await using (var stream = await response.Content.ReadAsStreamAsync(token))
            {
                while (true)
                {
                    // Never read more than limit + 1 bytes: one byte past the cap proves the body is too large.
                    var window = Math.Min(buffer.Length, limit + 1);
                    if (length == window)
                    {
                        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, limit + 1L));
                        buffer.AsSpan(0, length).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                        window = Math.Min(buffer.Length, limit + 1);
                    }

                    var read = await ReadChunkAsync(stream, buffer.AsMemory(length, window - length), uri, token);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > limit)
                    {
                        YahooLog.ResponseTooLarge(_logger, request.Symbol, uri.Host, limit);
                        throw new YahooResponseTooLargeException(uri, limit);
                    }
                }
            }

            // The header as sent (MediaTypeHeaderValue.ToString() would re-space it).
            var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;
            var location = response.Headers.Location is { } target ? new Uri(uri, target) : null;
            var result = new YahooResponse(request, uri, response.StatusCode, contentType,
                RetryAfter.From(response.Headers.RetryAfter, _timeProvider.GetUtcNow()), response.Version, buffer, length)
            {
                SessionVersion = session?.Version,
                SessionFailure = YahooSessionClassifier.Classify((int)response.StatusCode, location, buffer.AsSpan(0, length), session is not null),
            };
            buffer = null;
            return result;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async ValueTask<int> ReadChunkAsync(Stream stream, Memory<byte> destination, Uri uri, CancellationToken token)
    {
        try
        {
            return await stream.ReadAsync(destination, token);
        }
        catch (IOException ex) when (!token.IsCancellationRequested)
        {
            // A reset or a body shorter than its Content-Length: one exception type for every transport failure, so a
            // retry policy handles HttpRequestException alone.
            var error = ex is HttpIOException io ? io.HttpRequestError : HttpRequestError.Unknown;
            throw new HttpRequestException(error, $"The response body from {uri} was cut short: {ex.Message}", ex);
        }
    }
}
