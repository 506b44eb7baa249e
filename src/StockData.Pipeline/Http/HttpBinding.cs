using System.Net;

namespace StockData.Pipeline.Http;

/// <summary>Reads Kestrel URLs (<c>http://host:port</c>, several separated by <c>;</c>) to tell a loopback binding from an exposed one.</summary>
internal static class HttpBinding
{
    public static IReadOnlyList<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The host part of an http(s) URL (<c>*</c> and <c>+</c> included, IPv6 without brackets); null when it is not one.</summary>
    public static string? Host(string url)
    {
        string rest;
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            rest = url["http://".Length..];
        }
        else if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            rest = url["https://".Length..];
        }
        else
        {
            return null;
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close > 1 ? authority[1..close] : null;
        }

        var colon = authority.LastIndexOf(':');
        var host = colon >= 0 ? authority[..colon] : authority;
        if (colon >= 0 && !int.TryParse(authority[(colon + 1)..], out _))
        {
            return null;
        }

        return host.Length > 0 ? host : null;
    }

    /// <summary>True for <c>localhost</c> and loopback addresses (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>True when every URL binds a loopback address only (<c>0.0.0.0</c>, <c>*</c>, <c>+</c> and real hosts are exposed).</summary>
    public static bool IsLoopbackOnly(string urls)
    {
        var all = Split(urls);
        return all.Count > 0 && all.All(u => Host(u) is { } host && IsLoopback(host));
    }
}
