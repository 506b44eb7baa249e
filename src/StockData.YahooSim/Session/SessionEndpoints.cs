using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Stats;

namespace StockData.YahooSim.Session;

/// <summary>
/// The pages a client visits for a Yahoo session, all on the simulator's one base URL: <c>/</c> stands for
/// fc.yahoo.com (a 404 that sets the cookie), <c>/quote/{symbol}</c> for a finance page, <c>/v1/test/getcrumb</c> for
/// query1's crumb endpoint, and <c>/consent</c>, <c>/v2/collectConsent</c>, <c>/copyConsent</c> for guce.yahoo.com and
/// consent.yahoo.com.
/// </summary>
internal sealed class SessionEndpoints(
    SessionStore sessions, ConsentStore consents, GetcrumbThrottle throttle, SimStats stats, TimeProvider timeProvider,
    IOptions<SimulatorOptions> options)
{
    private readonly SimAuthMode _mode = options.Value.AuthMode;

    public void Map(WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => CookiePageAsync(context, finance: false));
        app.MapGet("/quote/{symbol}", (HttpContext context) => CookiePageAsync(context, finance: true));
        app.MapGet("/v1/test/getcrumb", GetcrumbAsync);
        app.MapGet("/consent", ConsentFormAsync);
        app.MapPost("/v2/collectConsent", CollectConsentAsync);
        app.MapGet("/copyConsent", CopyConsentAsync);
    }

    /// <summary>The chart's check: null when the request carries a live cookie and that cookie's crumb, else Yahoo's reason.</summary>
    public string? Refusal(HttpContext context)
    {
        if (!sessions.TryGet(context.Request.Cookies[YahooCookies.Session], out var session))
        {
            return "Invalid Cookie";
        }

        return string.Equals(context.Request.Query["crumb"].ToString(), session.Crumb, StringComparison.Ordinal) ? null : "Invalid Crumb";
    }

    private Task CookiePageAsync(HttpContext context, bool finance)
    {
        stats.CookieRequest();
        var request = context.Request;
        if (_mode == SimAuthMode.Consent && !consents.IsConsentCookie(request.Cookies[YahooCookies.Consent]))
        {
            // Yahoo from an EU address: no cookie page before the consent form.
            var (sessionId, _) = consents.Begin();
            YahooCookies.Append(context.Response, YahooCookies.ConsentSession, sessionId, timeProvider.GetUtcNow());
            return RedirectAsync(context, "/consent?sessionId=" + Uri.EscapeDataString(sessionId));
        }

        // A client that already holds a live session keeps it: the page sets no new cookie.
        if (!sessions.TryGet(request.Cookies[YahooCookies.Session], out _))
        {
            IssueSession(context.Response);
        }

        return finance
            ? HtmlAsync(context, 200, "<!DOCTYPE html><html><head><title>Quote - Yahoo Finance</title></head><body><h1>" +
                                      WebUtility.HtmlEncode(context.Request.RouteValues["symbol"]?.ToString()) + "</h1></body></html>")
            : HtmlAsync(context, 404, "<!DOCTYPE html><html><head><title>404</title></head><body>Not Found</body></html>");
    }

    private async Task GetcrumbAsync(HttpContext context)
    {
        stats.GetcrumbRequest();
        if (throttle.Check() is { } refused)
        {
            stats.GetcrumbThrottled();
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(refused.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await TextAsync(context, refused.Status, "Too Many Requests");
            return;
        }

        if (!sessions.TryGet(context.Request.Cookies[YahooCookies.Session], out var session))
        {
            stats.Unauthorized();
            await WriteUnauthorizedAsync(context, "finance", "Invalid Cookie");
            return;
        }

        await TextAsync(context, 200, session.Crumb);
    }

    private Task ConsentFormAsync(HttpContext context)
    {
        var sessionId = context.Request.Query["sessionId"].ToString();
        if (!consents.TryGetForm(sessionId, out var csrf))
        {
            (sessionId, csrf) = consents.Begin();
        }

        var id = WebUtility.HtmlEncode(sessionId);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><title>Yahoo is part of the Yahoo family of brands</title></head><body>")
            .Append("<form method=\"post\" class=\"consent-form\" action=\"/v2/collectConsent?sessionId=").Append(id).Append("\">")
            .Append("<input type=\"hidden\" name=\"csrfToken\" value=\"").Append(WebUtility.HtmlEncode(csrf)).Append("\">")
            .Append("<input type=\"hidden\" name=\"sessionId\" value=\"").Append(id).Append("\">")
            .Append("<input type=\"hidden\" name=\"originalDoneUrl\" value=\"https://finance.yahoo.com/\">")
            .Append("<input type=\"hidden\" name=\"namespace\" value=\"yahoo\">")
            .Append("<button type=\"submit\" class=\"btn secondary accept-all\" name=\"agree\" value=\"agree\">Accept all</button>")
            .Append("<button type=\"submit\" class=\"btn secondary reject-all\" name=\"reject\" value=\"reject\">Reject all</button>")
            .Append("</form></body></html>");
        return HtmlAsync(context, 200, html.ToString());
    }

    private async Task CollectConsentAsync(HttpContext context)
    {
        stats.ConsentPost();
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var sessionId = context.Request.Query["sessionId"].ToString();
        var agreed = form is not null && form["agree"].Contains("agree") &&
                     string.Equals(form["sessionId"].ToString(), sessionId, StringComparison.Ordinal);
        if (!agreed || !consents.TryAgree(sessionId, form!["csrfToken"].ToString(), out var consent))
        {
            await HtmlAsync(context, 400, "<!DOCTYPE html><html><body>Consent could not be recorded.</body></html>");
            return;
        }

        YahooCookies.Append(context.Response, YahooCookies.Consent, consent, timeProvider.GetUtcNow());
        await RedirectAsync(context, "/copyConsent?sessionId=" + Uri.EscapeDataString(sessionId));
    }

    private Task CopyConsentAsync(HttpContext context)
    {
        if (!consents.TryCopy(context.Request.Query["sessionId"].ToString()))
        {
            return HtmlAsync(context, 400, "<!DOCTYPE html><html><body>Unknown consent session.</body></html>");
        }

        IssueSession(context.Response);
        // The form's originalDoneUrl is finance.yahoo.com's root: here, this base URL's root.
        return RedirectAsync(context, "/");
    }

    private void IssueSession(HttpResponse response)
    {
        var session = sessions.Issue();
        stats.SessionIssued();
        YahooCookies.Append(response, YahooCookies.Session, session.Cookie, timeProvider.GetUtcNow());
    }

    /// <summary>Yahoo's 401 body: <c>{"&lt;envelope&gt;":{"result":null,"error":{"code":"Unauthorized","description":"…"}}}</c>.</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context, string envelope, string description)
    {
        var body = $"{{\"{envelope}\":{{\"result\":null,\"error\":{{\"code\":\"Unauthorized\",\"description\":\"{description}\"}}}}}}";
        context.Response.StatusCode = 401;
        context.Response.ContentType = "application/json;charset=utf-8";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static Task RedirectAsync(HttpContext context, string pathAndQuery)
    {
        var request = context.Request;
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = $"{request.Scheme}://{request.Host}{request.PathBase}{pathAndQuery}";
        return Task.CompletedTask;
    }

    private static Task HtmlAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html;charset=utf-8";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }

    private static Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain;charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
