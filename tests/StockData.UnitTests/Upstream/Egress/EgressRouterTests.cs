using StockData.Upstream.Egress;

namespace StockData.UnitTests.Upstream.Egress;

public sealed class EgressRouterTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static EgressRouter.Candidate Free(double delayMs, int pending = 0, bool available = true) =>
        new(available, TimeSpan.FromMilliseconds(delayMs), pending, Interval);

    [Fact]
    public void Choose_TheEarliestNextSlot_NotTheNextInTurn()
    {
        Assert.Equal(2, EgressRouter.Choose([Free(300), Free(120), Free(40)]));
        Assert.Equal(0, EgressRouter.Choose([Free(0), Free(120), Free(40)]));
    }

    [Fact]
    public void Choose_Ties_GoToTheFirstListed()
    {
        Assert.Equal(0, EgressRouter.Choose([Free(0), Free(0), Free(0)]));
        Assert.Equal(1, EgressRouter.Choose([Free(50), Free(0), Free(0)]));
    }

    [Fact]
    public void Choose_CallersOfThisProcessNotReservedYet_CountAsOneIntervalEach()
    {
        // Three idle egresses, two callers already on their way to the first: the next caller takes the second.
        Assert.Equal(1, EgressRouter.Choose([Free(0, pending: 2), Free(0), Free(0, pending: 1)]));
        // A later slot still loses to a queue that reaches past it.
        Assert.Equal(1, EgressRouter.Choose([Free(0, pending: 3), Free(250)]));
        Assert.Equal(0, EgressRouter.Choose([Free(0, pending: 2), Free(250)]));
    }

    [Fact]
    public void Choose_SkipsUnavailableEgresses_EvenWithAFreeSlot()
    {
        // An open breaker (or an auth cooldown): its bucket looks idle precisely because nothing gets through it.
        Assert.Equal(1, EgressRouter.Choose([Free(0, available: false), Free(900), Free(1200)]));
    }

    [Fact]
    public void Choose_NoneAvailable_TheEarliestOfAll_WhereTheAttemptWaitsOrFailsAsOneEgressWould()
    {
        Assert.Equal(1, EgressRouter.Choose([Free(500, available: false), Free(100, available: false)]));
    }

    [Fact]
    public void Choose_UnknownDelay_IsFarAway()
    {
        var unknown = new EgressRouter.Candidate(true, null, 0, Interval);

        Assert.Equal(1, EgressRouter.Choose([unknown, Free(30_000)]));
        Assert.Equal(0, EgressRouter.Choose([unknown]));
    }

    [Fact]
    public void Choose_NoCandidates_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EgressRouter.Choose([]));
    }
}
