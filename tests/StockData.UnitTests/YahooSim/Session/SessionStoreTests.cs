using Microsoft.Extensions.Time.Testing;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Session;
using Opts = Microsoft.Extensions.Options.Options;

namespace StockData.UnitTests.YahooSim.Session;

public sealed class SessionStoreTests
{
    [Fact]
    public void Issue_CookieShapedLikeYahoos_CrumbFromYahoosAlphabetWithSlashOrDot()
    {
        var store = new SessionStore(Opts.Create(new SimulatorOptions()), new FakeTimeProvider());

        var sessions = Enumerable.Range(0, 50).Select(_ => store.Issue()).ToList();

        Assert.All(sessions, s =>
        {
            Assert.Matches("^d=AQABBA[A-Za-z0-9_-]{40}&S=AQAAA[A-Za-z0-9_-]{24}$", s.Cookie);
            Assert.Matches("^[A-Za-z0-9./]{11}$", s.Crumb);
            Assert.True(s.Crumb.Contains('/', StringComparison.Ordinal) || s.Crumb.Contains('.', StringComparison.Ordinal));
        });
        Assert.Contains(sessions, s => s.Crumb.Contains('/', StringComparison.Ordinal));
        Assert.Equal(50, sessions.Select(s => s.Cookie).Distinct().Count());
    }

    [Fact]
    public void TryGet_HonouredUntilTheTtl_ThenForgotten()
    {
        var time = new FakeTimeProvider();
        var store = new SessionStore(Opts.Create(new SimulatorOptions { SessionTtl = TimeSpan.FromSeconds(20) }), time);
        var session = store.Issue();

        time.Advance(TimeSpan.FromSeconds(19.9));
        Assert.True(store.TryGet(session.Cookie, out var live));
        Assert.Equal(session.Crumb, live.Crumb);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(store.TryGet(session.Cookie, out _));
        Assert.False(store.TryGet("d=unknown", out _));
        Assert.False(store.TryGet(null, out _));
    }

    [Fact]
    public void GetcrumbThrottle_RefusalsAlternate429And200()
    {
        var time = new FakeTimeProvider();
        var throttle = new GetcrumbThrottle(Opts.Create(new SimulatorOptions { GetcrumbRate = 1 }), time);

        Assert.Null(throttle.Check());
        var refusals = Enumerable.Range(0, 4).Select(_ => throttle.Check()).ToList();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([429, 200, 429, 200], refusals.Select(r => r!.Value.Status));
        Assert.All(refusals, r => Assert.Equal(TimeSpan.FromSeconds(1), r!.Value.RetryAfter));
        Assert.Null(throttle.Check());
    }

    [Fact]
    public void GetcrumbThrottle_RateZero_NeverRefuses()
    {
        var throttle = new GetcrumbThrottle(Opts.Create(new SimulatorOptions()), new FakeTimeProvider());

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(throttle.Check()));
    }

    [Fact]
    public void ClientBuckets_EachAddressHasItsOwnAllowance()
    {
        var time = new FakeTimeProvider();
        var buckets = new ClientBuckets(Opts.Create(new SimulatorOptions { RatePerClient = 10, BurstPerClient = 2 }), time);

        Assert.True(buckets.TryTake("127.0.0.2", out _));
        Assert.True(buckets.TryTake("127.0.0.2", out _));
        Assert.False(buckets.TryTake("127.0.0.2", out var wait));
        Assert.True(buckets.TryTake("127.0.0.3", out _));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);

        buckets.Reset();
        Assert.True(buckets.TryTake("127.0.0.2", out _));
    }

    [Fact]
    public void Consent_FormAnsweredOnceWithItsToken_ThenCopiedOnce()
    {
        var consents = new ConsentStore();
        var (sessionId, csrf) = consents.Begin();
        var (otherId, _) = consents.Begin();

        Assert.False(consents.TryAgree(otherId, csrf, out _));
        Assert.True(consents.TryAgree(sessionId, csrf, out var cookie));
        Assert.False(consents.TryAgree(sessionId, csrf, out _));
        Assert.True(consents.IsConsentCookie(cookie));
        Assert.True(consents.TryCopy(sessionId));
        Assert.False(consents.TryCopy(sessionId));
        Assert.False(consents.TryCopy(otherId));
    }
}
