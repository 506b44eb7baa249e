using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockData.Yahoo.Session;

/// <summary>
/// Obtains one Yahoo session the way Yahoo's own pages hand it out: visit a page that sets the cookie (the cookie page,
/// then a finance page when the first gave no usable session), completing a consent form when the visit is redirected to
/// one, then ask getcrumb with those cookies and check the answer. Redirects are followed by hand, so every hop's
/// cookies are kept and a consent redirect is recognised.
/// </summary>
public sealed class YahooSessionFetcher
{
    /// <summary>The name of the session requests' HttpClient (no cookie container, no automatic redirects).</summary>
    public const string HttpClientName = "yahoo-session";

    private const int MaxHops = 8;
    private const int MaxPageBytes = 2 * 1024 * 1024;
    private const int MaxCrumbBytes = 4096;

    private readonly IHttpClientFactory _httpFactory;
    private readonly YahooOptions _options;
    private readonly YahooSessionUrls _urls;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<YahooSessionFetcher> _logger;
    private readonly IYahooSessionRequestGate? _gate;

    public YahooSessionFetcher(IHttpClientFactory httpFactory, IOptions<YahooOptions> options, TimeProvider timeProvider, ILogger<YahooSessionFetcher> logger)
        : this(httpFactory, options, timeProvider, logger, null)
    {
    }

    /// <param name="gate">Entered before each session request (the shared rate limit); null sends at once.</param>
    public YahooSessionFetcher(IHttpClientFactory httpFactory, IOptions<YahooOptions> options, TimeProvider timeProvider, ILogger<YahooSessionFetcher> logger,
        IYahooSessionRequestGate? gate)
    {
        _gate = gate;
        _httpFactory = httpFactory;
        _options = options.Value;
        _urls = YahooSessionUrls.From(_options);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public YahooSessionUrls Urls => _urls;

    /// <summary>
    /// As <see cref="ObtainAsync"/>, with a transport failure (connection, timeout, a redirect the client cannot follow)
    /// returned as the attempt's reason instead of thrown: what the session sources want, since a refresh that failed
    /// is an answer they record and wait out, not an error for the request that happened to trigger it.
    /// </summary>
    public async Task<YahooSessionResult> TryObtainAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ObtainAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidOperationException or
                                       NotSupportedException or ArgumentException)
        {
            return YahooSessionResult.Failed(new YahooSessionError(YahooSessionErrorKind.Transport, ex.Message));
        }
    }

    /// <summary>One attempt: a session, or the last strategy's reason. Stops at once when getcrumb is throttled (asking again makes it worse).</summary>
    public async Task<YahooSessionResult> ObtainAsync(CancellationToken cancellationToken)
    {
        var http = _httpFactory.CreateClient(HttpClientName);
        var started = Stopwatch.GetTimestamp();
        YahooSessionError? last = null;
        foreach (var (strategy, page) in new[] { ("cookie-page", _urls.CookiePage), ("finance-page", _urls.FinancePage) })
        {
            var jar = new SessionCookieJar();
            try
            {
                var visit = await VisitAsync(http, page, jar, cancellationToken);
                if (visit.Error is { } visitError)
                {
                    last = visitError;
                    YahooLog.SessionStrategyFailed(_logger, strategy, visitError.Kind, visitError.Message);
                    continue;
                }

                if (jar.Count == 0)
                {
                    last = new YahooSessionError(YahooSessionErrorKind.NoCookie, $"{page.Host} answered HTTP {visit.Status} without setting a cookie");
                    YahooLog.SessionStrategyFailed(_logger, strategy, last.Kind, last.Message);
                    continue;
                }

                var name = visit.Consented ? strategy + "+consent" : strategy;
                var crumb = await GetCrumbAsync(http, jar, cancellationToken);
                if (crumb.Error is null)
                {
                    var session = new YahooSession(jar.ToHeader(), crumb.Crumb!, _timeProvider.GetUtcNow(), name);
                    YahooLog.SessionObtained(_logger, session.Version, name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    return YahooSessionResult.Ok(session);
                }

                last = crumb.Error;
                YahooLog.SessionStrategyFailed(_logger, strategy, last.Kind, last.Message);
                if (last.Kind == YahooSessionErrorKind.CrumbRateLimited)
                {
                    break;
                }
            }
            // NotSupportedException / ArgumentException: a redirect to a scheme HttpClient cannot follow.
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested &&
                                       ex is HttpRequestException or OperationCanceledException or IOException or NotSupportedException or ArgumentException)
            {
                last = new YahooSessionError(YahooSessionErrorKind.Transport,
                    ex is OperationCanceledException ? $"no answer within {_options.AttemptTimeout}" : ex.Message);
                YahooLog.SessionStrategyFailed(_logger, strategy, last.Kind, last.Message);
            }
        }

        return YahooSessionResult.Failed(last ?? new YahooSessionError(YahooSessionErrorKind.NoCookie, "no cookie strategy is configured"));
    }

    internal async Task<Visit> VisitAsync(HttpClient http, Uri start, SessionCookieJar jar, CancellationToken cancellationToken)
    {
        var current = start;
        HttpContent? content = null;
        var consented = false;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            using var response = await SendAsync(http, content is null ? HttpMethod.Get : HttpMethod.Post, current, jar, content, cancellationToken);
            content = null;
            jar.AddFrom(response, _timeProvider.GetUtcNow());
            var status = (int)response.StatusCode;
            if (status is < 300 or > 399 || response.Headers.Location is null)
            {
                return new Visit(status, consented, null);
            }

            var next = new Uri(current, response.Headers.Location);
            if (!consented && YahooSessionClassifier.IsConsent(next))
            {
                // The consent form: read it, answer it, then follow wherever the answer redirects (copyConsent, the done URL).
                using var page = await SendAsync(http, HttpMethod.Get, next, jar, null, cancellationToken);
                jar.AddFrom(page, _timeProvider.GetUtcNow());
                var html = await ReadTextAsync(page, MaxPageBytes, cancellationToken);
                var form = ConsentForm.Parse(html, next);
                if (form is null)
                {
                    return new Visit(status, consented, new YahooSessionError(YahooSessionErrorKind.Consent,
                        $"{start.Host} redirected to a consent page ({next.Host}, HTTP {(int)page.StatusCode}) without a form holding csrfToken and sessionId"));
                }

                consented = true;
                YahooLog.ConsentAnswered(_logger, next.Host, form.Action.Host);
                current = form.Action;
                content = form.Answer();
                continue;
            }

            current = next;
        }

        return new Visit(0, consented, new YahooSessionError(consented ? YahooSessionErrorKind.Consent : YahooSessionErrorKind.NoCookie,
            $"{start.Host} redirected more than {MaxHops} times"));
    }

    internal async Task<(YahooSession? Session, string? Crumb, YahooSessionError? Error)> GetCrumbAsync(HttpClient http, SessionCookieJar jar,
        CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http, HttpMethod.Get, _urls.Crumb, jar, null, cancellationToken);
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter.From(response.Headers.RetryAfter, _timeProvider.GetUtcNow());
        if (status == 429)
        {
            return (null, null, new YahooSessionError(YahooSessionErrorKind.CrumbRateLimited, "getcrumb answered HTTP 429: this address is throttled", retryAfter));
        }

        var body = await ReadTextAsync(response, MaxCrumbBytes, cancellationToken);
        if (status != 200)
        {
            return (null, null, new YahooSessionError(YahooSessionErrorKind.CrumbRejected, $"getcrumb answered HTTP {status}"));
        }

        return CrumbCheck.Check(body, out var crumb) switch
        {
            CrumbVerdict.Valid => (null, crumb, null),
            CrumbVerdict.TooManyRequests => (null, null, new YahooSessionError(YahooSessionErrorKind.CrumbRateLimited,
                "getcrumb answered 200 with the text 'Too Many Requests': this address is throttled", retryAfter)),
            CrumbVerdict.Empty => (null, null, new YahooSessionError(YahooSessionErrorKind.CrumbRejected, "getcrumb answered 200 with an empty body")),
            CrumbVerdict.Html => (null, null, new YahooSessionError(YahooSessionErrorKind.CrumbRejected,
                "getcrumb answered 200 with an HTML page (a consent or login page?)")),
            // Never the body itself: it might be a crumb in an unexpected alphabet.
            _ => (null, null, new YahooSessionError(YahooSessionErrorKind.CrumbRejected,
                $"getcrumb answered 200 with {crumb.Length} characters that do not look like a crumb")),
        };
    }

    internal async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri uri, SessionCookieJar jar, HttpContent? content,
        CancellationToken cancellationToken)
    {
        // Before the timeout starts: a wait for a token is not the upstream being slow.
        if (_gate is not null)
        {
            await _gate.EnterAsync(uri, cancellationToken);
        }

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var message = new HttpRequestMessage(method, uri) { Content = content };
        if (jar.Count > 0)
        {
            message.Headers.TryAddWithoutValidation("Cookie", jar.ToHeader());
        }

        var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        try
        {
            // Buffer here, under the attempt's timeout: the caller reads at most a page.
            await response.Content.LoadIntoBufferAsync(MaxPageBytes, linked.Token);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, maxBytes));
    }

    internal sealed record Visit(int Status, bool Consented, YahooSessionError? Error);

    internal static SocketsHttpHandler CreateHandler(YahooOptions options) => new()
    {
        PooledConnectionLifetime = options.PooledConnectionLifetime,
        ConnectTimeout = options.ConnectTimeout,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        // The service keeps the cookies itself (SessionCookieJar) and follows redirects itself, hop by hop.
        UseCookies = false,
        AllowAutoRedirect = false,
    };
}
