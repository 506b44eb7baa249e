using Microsoft.Extensions.Options;
using StockData.Yahoo.Session;

namespace StockData.Yahoo.Client;

/// <summary>A cookie page visited on its own: what it answered and which cookies it set (names only), with the cookies kept for getcrumb.</summary>
public sealed class YahooPageVisit
{
    internal YahooPageVisit(string strategy, Uri page, int status, bool consented, YahooSessionError? error, SessionCookieJar jar)
    {
        Strategy = strategy;
        Page = page;
        Status = status;
        Consented = consented;
        Error = error;
        Jar = jar;
    }

    /// <summary><c>cookie-page</c> or <c>finance-page</c>.</summary>
    public string Strategy { get; }

    public Uri Page { get; }

    /// <summary>The last hop's HTTP status (0 when the visit never ended, e.g. a redirect loop).</summary>
    public int Status { get; }

    /// <summary>Whether a consent form was met and answered on the way.</summary>
    public bool Consented { get; }

    /// <summary>Why the visit gave no cookie (a consent form without its fields, a redirect loop); null otherwise.</summary>
    public YahooSessionError? Error { get; }

    /// <summary>The names of the cookies set on the way: never their values.</summary>
    public IReadOnlyList<string> CookieNames => Jar.Names;

    internal SessionCookieJar Jar { get; }
}

/// <summary>A chart request's answer as the probe saw it.</summary>
public sealed record YahooProbeResponse(int Status, string? ContentType, byte[] Body, TimeSpan? RetryAfter, Uri Url);

/// <summary>
/// The session flow of <see cref="YahooSessionFetcher"/> taken apart, one request at a time, for diagnostics
/// (<c>stockdata yahoo doctor</c>): each cookie strategy on its own, one getcrumb with a chosen visit's cookies, one
/// chart request with a chosen session. Same HttpClient, same requests, same checks as the fetcher; nothing here
/// retries or loops. Transport failures are thrown, as the caller times and reports each step.
/// </summary>
public sealed class YahooSessionProbe(YahooSessionFetcher fetcher, IHttpClientFactory httpFactory, IOptions<YahooOptions> options, TimeProvider timeProvider)
{
    private const int MaxChartBytes = 2 * 1024 * 1024;

    public YahooSessionUrls Urls => fetcher.Urls;

    /// <summary>Visits <paramref name="page"/> following redirects by hand (answering a consent form on the way), as the fetcher does.</summary>
    public async Task<YahooPageVisit> VisitAsync(string strategy, Uri page, CancellationToken cancellationToken)
    {
        var jar = new SessionCookieJar();
        var visit = await fetcher.VisitAsync(Http, page, jar, cancellationToken);
        var error = visit.Error ?? (jar.Count == 0
            ? new YahooSessionError(YahooSessionErrorKind.NoCookie, $"{page.Host} answered HTTP {visit.Status} without setting a cookie")
            : null);
        return new YahooPageVisit(strategy, page, visit.Status, visit.Consented, error, jar);
    }

    /// <summary>One getcrumb with <paramref name="visit"/>'s cookies, and the check of its answer: a session, or why not.</summary>
    public async Task<YahooSessionResult> GetCrumbAsync(YahooPageVisit visit, CancellationToken cancellationToken)
    {
        var crumb = await fetcher.GetCrumbAsync(Http, visit.Jar, cancellationToken);
        if (crumb.Error is { } error)
        {
            return YahooSessionResult.Failed(error);
        }

        var strategy = visit.Consented ? visit.Strategy + "+consent" : visit.Strategy;
        return YahooSessionResult.Ok(new YahooSession(visit.Jar.ToHeader(), crumb.Crumb!, timeProvider.GetUtcNow(), strategy));
    }

    /// <summary>One chart request (no events), with <paramref name="session"/>'s cookie and crumb when given. <see cref="YahooProbeResponse.Url"/> is without the crumb.</summary>
    public async Task<YahooProbeResponse> GetChartAsync(YahooChartRequest request, YahooSession? session, CancellationToken cancellationToken)
    {
        var url = YahooUrlBuilder.Build(new Uri(options.Value.BaseUrl), request, "");
        using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var message = new HttpRequestMessage(HttpMethod.Get, session is null ? url : YahooUrlBuilder.WithCrumb(url, session.Crumb));
        if (session is not null)
        {
            message.Headers.TryAddWithoutValidation("Cookie", session.CookieHeader);
        }

        using var response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        await response.Content.LoadIntoBufferAsync(MaxChartBytes, linked.Token);
        var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
        return new YahooProbeResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body,
            RetryAfter.From(response.Headers.RetryAfter, timeProvider.GetUtcNow()), url);
    }

    private HttpClient Http => httpFactory.CreateClient(YahooSessionFetcher.HttpClientName);
}
