namespace StockData.Diagnostics;

/// <summary>
/// A pass-through <see cref="TimeProvider"/> that credits each one-shot timer's due time to the creating flow's
/// <see cref="SleepMeter"/> when it fires (a timeout that never fires is not a sleep). Used by <c>bench limiter</c>'s
/// workers to report the limiter's overhead per acquisition without the wait for the slot.
/// </summary>
public sealed class MeteredTimeProvider(TimeProvider inner) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (SleepMeter.Active is not { } meter || period != Timeout.InfiniteTimeSpan || dueTime <= TimeSpan.Zero)
        {
            return inner.CreateTimer(callback, state, dueTime, period);
        }

        return inner.CreateTimer(s =>
        {
            meter.Add(dueTime);
            callback(s);
        }, state, dueTime, period);
    }
}
