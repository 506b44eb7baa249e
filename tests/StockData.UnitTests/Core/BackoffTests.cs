using StockData.Core;

namespace StockData.UnitTests.Core;

/// <summary>The one doubling backoff: first × 2^(n−1), capped, for any attempt count.</summary>
public sealed class BackoffTests
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(6, 6_400)]
    [InlineData(7, 10_000)] // 12.8 s, capped
    [InlineData(50, 10_000)]
    public void Doubling_DoublesPerAttempt_UpToTheCap(int attempt, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Doubling(First, attempt, Max));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MinValue)]
    public void Doubling_AttemptBelowOne_IsTheFirstDelay(int attempt) =>
        Assert.Equal(First, Backoff.Doubling(First, attempt, Max));

    [Fact]
    public void Doubling_EveryAttempt_TwiceThePreviousOrTheCap()
    {
        var previous = Backoff.Doubling(First, 1, Max);
        for (var attempt = 2; attempt <= 100; attempt++)
        {
            var delay = Backoff.Doubling(First, attempt, Max);
            Assert.Equal(previous * 2 < Max ? previous * 2 : Max, delay);
            previous = delay;
        }
    }

    [Fact]
    public void Doubling_HugeAttemptAndCap_NoOverflow()
    {
        // Days doubled 62 times exceed TimeSpan's range; the cap applies instead of an OverflowException.
        Assert.Equal(TimeSpan.MaxValue, Backoff.Doubling(TimeSpan.FromDays(1), int.MaxValue, TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.FromHours(4), Backoff.Doubling(TimeSpan.FromHours(1), int.MaxValue, TimeSpan.FromHours(4)));
    }

    [Fact]
    public void Doubling_ZeroFirstDelay_StaysZero() =>
        Assert.Equal(TimeSpan.Zero, Backoff.Doubling(TimeSpan.Zero, 10, Max));
}
