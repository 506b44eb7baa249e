using Microsoft.Extensions.Logging;
using StockData.Diagnostics;

namespace StockData.Upstream.Fetching;

/// <summary>
/// Yahoo also throttles by answering 401 instead of 429: after <c>threshold</c> unauthorized answers in a row,
/// every fetch pauses for <c>cooldown</c>, logged once per pause.
/// </summary>
public sealed class UnauthorizedGate(int threshold, TimeSpan cooldown, TimeProvider time, ILogger logger)
{
    // The latest pause of any gate in the process, as UTC ticks: read by the cooldown gauge, which has no gate at hand.
    private static long _anyPausedUntilTicks;

    private readonly Lock _lock = new();
    private int _consecutive;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    /// <summary>True while some gate of this process holds fetches back.</summary>
    public static bool AnyPauseActive => Interlocked.Read(ref _anyPausedUntilTicks) > TimeProvider.System.GetUtcNow().UtcTicks;

    /// <summary>Waits out a pause in force (once, for its remaining time).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan remaining;
        lock (_lock)
        {
            remaining = _pausedUntil - time.GetUtcNow();
        }

        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, time, cancellationToken);
        }
    }

    /// <summary>Counts an answer's status: 401/403 in a row trip the pause; anything else resets the run.</summary>
    public void Observe(int status)
    {
        lock (_lock)
        {
            if (status is not (401 or 403))
            {
                _consecutive = 0;
                return;
            }

            if (++_consecutive < threshold)
            {
                return;
            }

            _consecutive = 0;
            var until = time.GetUtcNow() + cooldown;
            if (until <= _pausedUntil)
            {
                return;
            }

            _pausedUntil = until;
            Interlocked.Exchange(ref _anyPausedUntilTicks, until.UtcTicks);
        }

        PipelineMetrics.CooldownActive.Set(1);
        PipelineLog.UnauthorizedPause(logger, threshold, cooldown);
    }
}
