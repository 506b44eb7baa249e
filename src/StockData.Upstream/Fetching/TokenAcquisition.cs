namespace StockData.Upstream.Fetching;

/// <summary>
/// One rate-limiter acquisition: <paramref name="Elapsed"/> in all, of which <paramref name="Slept"/> waiting for the
/// reserved slot or a cooldown (known only on a <see cref="Diagnostics.MeteredTimeProvider"/>, else zero).
/// </summary>
public readonly record struct TokenAcquisition(TimeSpan Elapsed, TimeSpan Slept, bool Granted)
{
    /// <summary>The limiter's own cost: the time not spent sleeping (round trip, bookkeeping, wake-up lateness).</summary>
    public TimeSpan Overhead => Elapsed > Slept ? Elapsed - Slept : TimeSpan.Zero;
}
