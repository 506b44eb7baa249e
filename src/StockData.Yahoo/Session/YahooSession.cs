using System.Security.Cryptography;
using System.Text;

namespace StockData.Yahoo.Session;

/// <summary>
/// One Yahoo session: the <c>Cookie</c> header value to send and the crumb bound to it, with a short <see cref="Version"/>
/// that names it in logs, metrics and compare-and-delete without revealing it. <see cref="CookieHeader"/> and
/// <see cref="Crumb"/> are secrets: only the chart client puts them on the wire, and <see cref="ToString"/> shows the version alone.
/// </summary>
public sealed class YahooSession
{
    public YahooSession(string cookieHeader, string crumb, DateTimeOffset obtainedAt, string strategy)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieHeader);
        ArgumentException.ThrowIfNullOrEmpty(crumb);
        CookieHeader = cookieHeader;
        Crumb = crumb;
        ObtainedAt = obtainedAt;
        Strategy = strategy;
        Version = VersionOf(cookieHeader, crumb);
    }

    /// <summary>The <c>Cookie</c> header value: every cookie the session pages set, <c>name=value</c> joined by <c>; </c>.</summary>
    public string CookieHeader { get; }

    /// <summary>The crumb, raw (URL-encode it when it goes into a query).</summary>
    public string Crumb { get; }

    /// <summary>The first 12 hex digits of SHA-256 over cookie and crumb: equal sessions have equal versions, and it reveals neither.</summary>
    public string Version { get; }

    public DateTimeOffset ObtainedAt { get; }

    /// <summary>How the cookie was had: <c>cookie-page</c> or <c>finance-page</c>, with <c>+consent</c> when a consent form was completed.</summary>
    public string Strategy { get; }

    public override string ToString() => $"Yahoo session {Version} ({Strategy}, obtained {ObtainedAt:O})";

    internal static string VersionOf(string cookieHeader, string crumb) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cookieHeader + "\n" + crumb)))[..12];
}
