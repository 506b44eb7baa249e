using Microsoft.Extensions.Time.Testing;
using StockData.Upstream.Redis;

namespace StockData.UnitTests.Upstream.Redis;

/// <summary>The in-process cooldown (Redis down): the same rules as Cooldown.lua, on a fake clock.</summary>
public sealed class LocalCooldownTests
{
    private static readonly TimeSpan Default = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Report_RetryAfter_IsThePause_CappedAtTheMaximum()
    {
        var cooldown = new LocalCooldown(_time);

        Assert.Equal(TimeSpan.FromSeconds(7), cooldown.Report(TimeSpan.FromSeconds(7), Default, Cap, countStrike: true).Remaining);
        Assert.Equal(Cap, cooldown.Report(TimeSpan.FromHours(1), Default, Cap, countStrike: true).Remaining);
        Assert.Equal(Cap, cooldown.Remaining());
    }

    [Fact]
    public void Report_NoRetryAfter_DoublesPerEpisode_UpToTheCap()
    {
        var cooldown = new LocalCooldown(_time);
        var pauses = new List<double>();
        for (var episode = 0; episode < 5; episode++)
        {
            var reply = cooldown.Report(null, Default, Cap, countStrike: true);
            pauses.Add(reply.Remaining.TotalSeconds);
            _time.Advance(reply.Remaining); // the pause runs out; the next 429 is a new episode
            Assert.Equal(TimeSpan.Zero, cooldown.Remaining());
        }

        Assert.Equal([30, 60, 120, 120, 120], pauses);
        Assert.Equal(5, cooldown.Strikes);
    }

    [Fact]
    public void Report_DuringAPause_SameEpisode_ExtendsWithoutDoubling_AndNeverShortens()
    {
        var cooldown = new LocalCooldown(_time);
        cooldown.Report(null, Default, Cap, countStrike: true);
        _time.Advance(TimeSpan.FromSeconds(10));

        // A late 429 of the same episode re-arms the episode's pause from now (extend-only), not the doubled one.
        var again = cooldown.Report(null, Default, Cap, countStrike: true);
        var shorter = cooldown.Report(TimeSpan.FromSeconds(1), Default, Cap, countStrike: true);

        Assert.Equal(Default, again.Remaining);
        Assert.True(again.Extended);
        Assert.Equal(Default, shorter.Remaining);
        Assert.False(shorter.Extended);
        Assert.Equal(1, cooldown.Strikes);
    }

    [Fact]
    public void ResetStrikes_NextPauseIsTheDefaultAgain()
    {
        var cooldown = new LocalCooldown(_time);
        _time.Advance(cooldown.Report(null, Default, Cap, countStrike: true).Remaining);
        _time.Advance(cooldown.Report(null, Default, Cap, countStrike: true).Remaining);

        cooldown.ResetStrikes();

        Assert.Equal(Default, cooldown.Report(null, Default, Cap, countStrike: true).Remaining);
    }

    [Fact]
    public void Strikes_AreForgottenAfterTwiceTheCapWithoutA429()
    {
        var cooldown = new LocalCooldown(_time);
        _time.Advance(cooldown.Report(null, Default, Cap, countStrike: true).Remaining);
        _time.Advance(LocalCooldown.StrikesLifetime(Cap));

        Assert.Equal(0, cooldown.Strikes);
        Assert.Equal(Default, cooldown.Report(null, Default, Cap, countStrike: true).Remaining);
    }

    [Fact]
    public void Extend_WithoutStrike_AndObserve_OnlyEverMoveTheEndLater()
    {
        var cooldown = new LocalCooldown(_time);

        cooldown.Report(TimeSpan.FromSeconds(10), Default, Cap, countStrike: false);
        cooldown.Observe(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(10), cooldown.Remaining());
        cooldown.Observe(TimeSpan.FromSeconds(12));
        Assert.Equal(TimeSpan.FromSeconds(12), cooldown.Remaining());
        Assert.Equal(0, cooldown.Strikes);
    }

    [Fact]
    public void Report_ZeroRetryAfter_SetsNoPause()
    {
        var cooldown = new LocalCooldown(_time);

        var reply = cooldown.Report(TimeSpan.Zero, Default, Cap, countStrike: true);

        Assert.Equal(TimeSpan.Zero, reply.Remaining);
        Assert.False(reply.Extended);
    }
}
