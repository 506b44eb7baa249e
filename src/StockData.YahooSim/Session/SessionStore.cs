using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;

namespace StockData.YahooSim.Session;

/// <summary>
/// The sessions the simulator issued: an <c>A3</c> cookie value, the crumb bound to it, and when it was issued. A session
/// past <see cref="SimulatorOptions.SessionTtl"/> is forgotten, so its cookie and crumb answer 401 as a stale one does on Yahoo.
/// </summary>
internal sealed class SessionStore(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
{
    /// <summary>Yahoo's crumb alphabet: letters, digits, '.' and '/' (so a client must URL-encode it).</summary>
    private const string CrumbAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";

    private const string CookieAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    private readonly TimeSpan _ttl = options.Value.SessionTtl;
    private readonly ConcurrentDictionary<string, SimSession> _sessions = new(StringComparer.Ordinal);
    private long _issued;

    /// <summary>A new session: its cookie value (shaped like Yahoo's <c>d=…&amp;S=…</c>) and crumb.</summary>
    public SimSession Issue()
    {
        var number = Interlocked.Increment(ref _issued);
        var cookie = "d=AQABBA" + RandomNumberGenerator.GetString(CookieAlphabet, 40) + "&S=AQAAA" + RandomNumberGenerator.GetString(CookieAlphabet, 24);
        var session = new SimSession(cookie, NewCrumb(number), timeProvider.GetUtcNow());
        _sessions[cookie] = session;
        return session;
    }

    /// <summary>The live session behind a cookie value; an expired one is removed and not returned.</summary>
    public bool TryGet(string? cookie, out SimSession session)
    {
        session = null!;
        if (cookie is null || !_sessions.TryGetValue(cookie, out var found))
        {
            return false;
        }

        if (timeProvider.GetUtcNow() - found.IssuedAt >= _ttl)
        {
            _sessions.TryRemove(cookie, out _);
            return false;
        }

        session = found;
        return true;
    }

    /// <summary>
    /// An 11-character crumb from Yahoo's alphabet. Every crumb carries a '/' or a '.' at a random place (alternately), so
    /// every session exercises a client's URL-encoding, which a crumb without them would not.
    /// </summary>
    internal static string NewCrumb(long number)
    {
        var chars = RandomNumberGenerator.GetString(CrumbAlphabet, 11).ToCharArray();
        chars[RandomNumberGenerator.GetInt32(chars.Length)] = number % 2 == 1 ? '/' : '.';
        return new string(chars);
    }

    /// <summary>Forgets every session (for <c>POST /sim/reset</c>).</summary>
    public void Reset() => _sessions.Clear();
}

/// <summary>One issued session.</summary>
internal sealed record SimSession(string Cookie, string Crumb, DateTimeOffset IssuedAt);
