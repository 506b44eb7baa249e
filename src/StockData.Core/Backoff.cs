namespace StockData.Core;

/// <summary>
/// The one doubling backoff: the writer's retry delays, the cooldown after consecutive 429s, a failing symbol's next
/// try and the cache lock's poll all wait <c>first × 2^(n−1)</c> for the n-th try, capped.
/// </summary>
public static class Backoff
{
    /// <summary>
    /// <paramref name="first"/> × 2^(<paramref name="attempt"/> − 1), at most <paramref name="max"/>; an attempt below 1
    /// counts as the first. Computed in floating point, so no attempt count overflows a <see cref="TimeSpan"/>.
    /// </summary>
    public static TimeSpan Doubling(TimeSpan first, int attempt, TimeSpan max)
    {
        var ticks = first.Ticks * Math.Pow(2, Math.Clamp(attempt, 1, 63) - 1);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
