using Microsoft.Extensions.Logging;
using StockData.Pipeline.Diagnostics;

namespace StockData.Pipeline.Ingest;

/// <summary>
/// Yahoo also throttles by answering 401 instead of 429: after <c>threshold</c> unauthorized answers in a row,
/// every fetch pauses for <c>cooldown</c>, logged once per pause.
/// </summary>
internal sealed class UnauthorizedGate(int threshold, TimeSpan cooldown, TimeProvider time, ILogger logger)
{
    private readonly Lock _lock = new();
    private int _consecutive;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

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
        }

        PipelineMetrics.CooldownActive.Set(1);
        PipelineLog.UnauthorizedPause(logger, threshold, cooldown);
    }
}
