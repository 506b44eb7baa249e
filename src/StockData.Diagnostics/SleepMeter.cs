namespace StockData.Diagnostics;

/// <summary>
/// Measures how much of an operation was spent in timer sleeps on a <see cref="MeteredTimeProvider"/>, so the rate
/// limiter's own cost (script round trip, bookkeeping, wake-up lateness) can be told from the wait for its slot, which
/// is the limiter working as intended. Flows with the async call (an <see cref="AsyncLocal{T}"/>).
/// </summary>
public static class SleepMeter
{
    private static readonly AsyncLocal<Box?> Current = new();

    /// <summary>Starts metering the current async flow; read <see cref="Box.Slept"/> after the awaited operation.</summary>
    public static Box Start()
    {
        var box = new Box();
        Current.Value = box;
        return box;
    }

    /// <summary>The meter of the current flow, if any.</summary>
    public static Box? Active => Current.Value;

    /// <summary>Time slept (the due times of timers that fired) in the metered flow.</summary>
    public sealed class Box
    {
        private long _ticks;

        public TimeSpan Slept => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public void Add(TimeSpan due) => Interlocked.Add(ref _ticks, due.Ticks);
    }
}
