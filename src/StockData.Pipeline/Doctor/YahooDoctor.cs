using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Yahoo.Egress;
using StockData.Yahoo.Parsing;
using StockData.Yahoo.Session;

namespace StockData.Pipeline.Doctor;

/// <summary>
/// <c>stockdata yahoo doctor</c>'s steps, per egress: resolve every configured host, connect to each (TLS for https),
/// visit each cookie strategy's page (answering a consent form when redirected to one), ask getcrumb once with the
/// first cookies had (a second time, with the other strategy's, only when the first crumb was refused rather than
/// throttled), then one small chart request with the session. A fixed, short list of requests: nothing loops or retries.
/// </summary>
internal sealed class YahooDoctor(YahooSessionProbe probe, IOptions<YahooOptions> options, TimeProvider time)
{
    private static readonly YahooChartRequest ChartProbe = YahooChartRequest.ForRange("AAPL", BarInterval.Parse("1d"), "5d");

    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        var steps = new List<DoctorStep>();
        var chartOk = true;
        var egresses = YahooEgress.From(options.Value);
        foreach (var egress in egresses)
        {
            // Every request of these steps leaves through this egress (its proxy, when it has one).
            using var scope = EgressScope.Enter(egress.Id);
            chartOk &= await RunEgressAsync(egress, steps, cancellationToken);
        }

        return new DoctorReport(options.Value.BaseUrl, options.Value.Session.ToString().ToLowerInvariant(),
            egresses.Select(e => e.Configured ? $"{e.Id} ({e.Route})" : Name(e)).ToList(), steps, chartOk);
    }

    /// <summary>An egress's name in the report: its id, or <c>direct</c> for the one implicit egress.</summary>
    private static string Name(YahooEgress egress) => egress.Configured ? egress.Id : "direct";

    private async Task<bool> RunEgressAsync(YahooEgress route, List<DoctorStep> steps, CancellationToken cancellationToken)
    {
        var egress = Name(route);
        var yahoo = options.Value;
        var urls = probe.Urls;
        var chartBase = new Uri(yahoo.BaseUrl);
        var sessionOn = yahoo.Session != YahooSessionMode.Off;
        var endpoints = (sessionOn ? new[] { chartBase, urls.CookiePage, urls.FinancePage, urls.Crumb } : [chartBase])
            .Select(u => new Uri(u.GetLeftPart(UriPartial.Authority))).Distinct().ToList();

        // The network first: a host that does not resolve or connect makes its HTTP steps pointless. Through a proxy, the
        // proxy resolves and connects to Yahoo's hosts: this machine checks its way to the proxy instead.
        var unreachable = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (route.Proxy is { } proxy)
        {
            return await ViaProxyAsync(egress, proxy, endpoints, chartBase, urls, sessionOn, unreachable, steps, cancellationToken);
        }

        foreach (var host in endpoints.Select(e => e.Host).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var dns = await DoctorConnectivity.ResolveAsync(egress, host, time, yahoo.ConnectTimeout, cancellationToken);
            steps.Add(dns);
            if (dns.Status == DoctorStatus.Failed)
            {
                unreachable.Add(host);
            }
        }

        foreach (var endpoint in endpoints)
        {
            if (unreachable.Contains(endpoint.Host))
            {
                steps.Add(new DoctorStep(egress, "connect", $"{endpoint.Host}:{endpoint.Port}", DoctorStatus.Skipped, null, $"{endpoint.Host} does not resolve"));
                continue;
            }

            var connect = await DoctorConnectivity.ConnectAsync(egress, endpoint, time, yahoo.ConnectTimeout, cancellationToken);
            steps.Add(connect);
            if (connect.Status == DoctorStatus.Failed)
            {
                unreachable.Add(endpoint.Host);
            }
        }

        YahooSession? session = null;
        if (sessionOn)
        {
            session = await SessionAsync(egress, urls, unreachable, steps, cancellationToken);
        }
        else
        {
            steps.Add(new DoctorStep(egress, "session", "-", DoctorStatus.Skipped, null, "session mode off: chart requests go without cookie and crumb"));
        }

        return await ChartAsync(egress, chartBase, session, unreachable, steps, cancellationToken);
    }

    private async Task<bool> ViaProxyAsync(string egress, Uri proxy, List<Uri> endpoints, Uri chartBase, YahooSessionUrls urls, bool sessionOn,
        HashSet<string> unreachable, List<DoctorStep> steps, CancellationToken cancellationToken)
    {
        var timeout = options.Value.ConnectTimeout;
        var dns = await DoctorConnectivity.ResolveAsync(egress, proxy.Host, time, timeout, cancellationToken);
        steps.Add(dns);
        var connect = dns.Status == DoctorStatus.Failed
            ? new DoctorStep(egress, "connect", $"{proxy.Host}:{proxy.Port}", DoctorStatus.Skipped, null, $"the proxy {proxy.Host} does not resolve")
            : await DoctorConnectivity.ConnectAsync(egress, new Uri(proxy.GetLeftPart(UriPartial.Authority)), time, timeout, cancellationToken);
        steps.Add(connect with { Detail = "proxy: " + connect.Detail });
        if (connect.Status != DoctorStatus.Ok)
        {
            // Nothing gets through a proxy this machine cannot reach: every Yahoo host is out of reach for this egress.
            foreach (var endpoint in endpoints)
            {
                unreachable.Add(endpoint.Host);
            }

            steps[^1] = steps[^1] with { Advice = "the egress's proxy does not answer: start it, or fix StockData:Yahoo:Egress:N:Proxy" };
        }

        YahooSession? session = null;
        if (sessionOn)
        {
            session = await SessionAsync(egress, urls, unreachable, steps, cancellationToken);
        }
        else
        {
            steps.Add(new DoctorStep(egress, "session", "-", DoctorStatus.Skipped, null, "session mode off: chart requests go without cookie and crumb"));
        }

        return await ChartAsync(egress, chartBase, session, unreachable, steps, cancellationToken);
    }

    private async Task<YahooSession?> SessionAsync(string egress, YahooSessionUrls urls, HashSet<string> unreachable, List<DoctorStep> steps,
        CancellationToken cancellationToken)
    {
        var visits = new List<YahooPageVisit>();
        foreach (var (strategy, page) in new[] { ("cookie-page", urls.CookiePage), ("finance-page", urls.FinancePage) })
        {
            if (unreachable.Contains(page.Host))
            {
                steps.Add(new DoctorStep(egress, strategy, Show(page), DoctorStatus.Skipped, null, $"{page.Host} is unreachable"));
                continue;
            }

            var started = time.GetTimestamp();
            try
            {
                var visit = await probe.VisitAsync(strategy, page, cancellationToken);
                var ms = DoctorConnectivity.Ms(time, started);
                var cookies = visit.CookieNames.Count == 0 ? "no cookie" : "cookies " + string.Join(", ", visit.CookieNames);
                if (visit.Error is { } error)
                {
                    steps.Add(new DoctorStep(egress, strategy, Show(page), DoctorStatus.Failed, ms, error.Message, AdviceFor(error)));
                }
                else
                {
                    steps.Add(new DoctorStep(egress, strategy, Show(page), DoctorStatus.Ok, ms,
                        $"HTTP {visit.Status}{(visit.Consented ? " after a consent form" : "")}, {cookies}"));
                    visits.Add(visit);
                }

                if (visit.Consented || visit.Error?.Kind == YahooSessionErrorKind.Consent)
                {
                    steps.Add(new DoctorStep(egress, "consent", strategy, visit.Error?.Kind == YahooSessionErrorKind.Consent ? DoctorStatus.Failed : DoctorStatus.Ok,
                        null, visit.Consented ? "redirected to a consent form; answered (agree) and followed through copyConsent" : visit.Error!.Message,
                        visit.Error?.Kind == YahooSessionErrorKind.Consent ? AdviceFor(visit.Error) : null));
                }
            }
            catch (Exception ex) when (IsTransport(ex, cancellationToken))
            {
                steps.Add(new DoctorStep(egress, strategy, Show(page), DoctorStatus.Failed, DoctorConnectivity.Ms(time, started), TransportReason(ex),
                    "the host connected but the request failed: retry later; if it persists, check proxies between here and Yahoo"));
            }
        }

        if (visits.Count == 0)
        {
            steps.Add(new DoctorStep(egress, "getcrumb", Show(urls.Crumb), DoctorStatus.Skipped, null, "no cookie strategy gave a cookie"));
            return null;
        }

        if (unreachable.Contains(urls.Crumb.Host))
        {
            steps.Add(new DoctorStep(egress, "getcrumb", Show(urls.Crumb), DoctorStatus.Skipped, null, $"{urls.Crumb.Host} is unreachable"));
            return null;
        }

        // One getcrumb; a second only with the other strategy's cookies and only when the first was refused: a throttled
        // getcrumb is asked no more (another request makes it worse).
        foreach (var visit in visits)
        {
            var started = time.GetTimestamp();
            try
            {
                var result = await probe.GetCrumbAsync(visit, cancellationToken);
                var ms = DoctorConnectivity.Ms(time, started);
                if (result.Session is { } session)
                {
                    steps.Add(new DoctorStep(egress, "getcrumb", Show(urls.Crumb), DoctorStatus.Ok, ms,
                        $"HTTP 200, a valid crumb with the {visit.Strategy} cookies: session {session.Version} ({session.Strategy})"));
                    return session;
                }

                var error = result.Error!;
                steps.Add(new DoctorStep(egress, "getcrumb", Show(urls.Crumb), DoctorStatus.Failed, ms,
                    $"with the {visit.Strategy} cookies: {error.Message}" + (error.RetryAfter is { } wait ? $" (Retry-After {wait.TotalSeconds:0} s)" : ""),
                    AdviceFor(error)));
                if (error.Kind == YahooSessionErrorKind.CrumbRateLimited)
                {
                    return null;
                }
            }
            catch (Exception ex) when (IsTransport(ex, cancellationToken))
            {
                steps.Add(new DoctorStep(egress, "getcrumb", Show(urls.Crumb), DoctorStatus.Failed, DoctorConnectivity.Ms(time, started), TransportReason(ex),
                    "the host connected but getcrumb failed: retry later; if it persists, check proxies between here and Yahoo"));
                return null;
            }
        }

        return null;
    }

    private async Task<bool> ChartAsync(string egress, Uri chartBase, YahooSession? session, HashSet<string> unreachable, List<DoctorStep> steps,
        CancellationToken cancellationToken)
    {
        var target = $"{chartBase.Host} AAPL 5d 1d";
        if (unreachable.Contains(chartBase.Host))
        {
            steps.Add(new DoctorStep(egress, "chart", target, DoctorStatus.Skipped, null, $"{chartBase.Host} is unreachable"));
            return false;
        }

        if (session is null && options.Value.Session == YahooSessionMode.Required)
        {
            steps.Add(new DoctorStep(egress, "chart", target, DoctorStatus.Skipped, null, "session mode required and no session could be had"));
            return false;
        }

        var with = session is null ? "without a session" : $"with session {session.Version}";
        var started = time.GetTimestamp();
        try
        {
            var response = await probe.GetChartAsync(ChartProbe, session, cancellationToken);
            var ms = DoctorConnectivity.Ms(time, started);
            var result = ChartParser.Parse(response.Body, new ChartResponseInfo(response.Status)
            {
                ContentType = response.ContentType,
                Symbol = ChartProbe.Symbol,
                Interval = ChartProbe.Interval,
                RetryAfter = response.RetryAfter,
                SessionFailure = YahooSessionClassifier.Classify(response.Status, null, response.Body, session is not null),
            });
            if (result.IsSuccess)
            {
                var warning = session is null && options.Value.Session != YahooSessionMode.Off;
                steps.Add(new DoctorStep(egress, "chart", target, warning ? DoctorStatus.Warning : DoctorStatus.Ok, ms,
                    $"HTTP {response.Status} {with}: {result.Bars.Count} bars",
                    warning ? "the chart answered without a session today; Yahoo throttles session-less calls sooner: fix the session steps above" : null));
                return true;
            }

            var error = result.Error!;
            steps.Add(new DoctorStep(egress, "chart", target, DoctorStatus.Failed, ms,
                $"HTTP {response.Status} {with}: {error.Category.ToName()}: {error.Message}", ChartAdvice(error.Category, session is not null)));
            return false;
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            steps.Add(new DoctorStep(egress, "chart", target, DoctorStatus.Failed, DoctorConnectivity.Ms(time, started), TransportReason(ex),
                "the host connected but the chart request failed: retry later; if it persists, check proxies between here and Yahoo"));
            return false;
        }
    }

    private static string AdviceFor(YahooSessionError error) => error.Kind switch
    {
        YahooSessionErrorKind.NoCookie => "the page set no cookie: Yahoo may have moved its cookie page; the other strategy may still work (StockData:Yahoo:CookieUrl, FinancePageUrl)",
        YahooSessionErrorKind.Consent => "the consent form could not be completed: Yahoo may have changed the form; an egress outside the EU avoids it",
        YahooSessionErrorKind.CrumbRateLimited => "this address is throttled; lower the rate or add an egress, and wait before asking again",
        YahooSessionErrorKind.CrumbRejected => "getcrumb did not accept these cookies: the cookie page may be blocked from this address or have changed",
        _ => "retry later; if it persists, check proxies between here and Yahoo",
    };

    private static string ChartAdvice(FetchErrorCategory category, bool withSession) => category switch
    {
        FetchErrorCategory.RateLimited => "this address is rate limited; lower the rate (StockData:RateLimit) or add an egress",
        FetchErrorCategory.Unauthorized => withSession
            ? "the session was refused: Yahoo may have changed its session rules; see docs/real-yahoo.md"
            : "the chart endpoint wants a session and none could be had: fix the session steps above",
        _ => "see the detail; docs/yahoo-chart-api.md explains each category",
    };

    private static bool IsTransport(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested &&
        ex is HttpRequestException or OperationCanceledException or IOException or NotSupportedException or ArgumentException;

    private string TransportReason(Exception ex) =>
        ex is OperationCanceledException ? $"no answer within {options.Value.AttemptTimeout}" : ex.Message;

    /// <summary>A URL as shown: scheme, host, port and path (the session pages carry no secret in their query, but nothing else is needed).</summary>
    private static string Show(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
