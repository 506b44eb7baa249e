using Microsoft.Extensions.Logging;
using StockData.Diagnostics;

namespace StockData.Upstream.Fetching;

/// <summary>
/// Yahoo also throttles by answering 401 instead of 429: after <c>threshold</c> unauthorized answers in a row, every
/// fetch pauses for <c>cooldown</c> (StockData:Ingest:UnauthorizedThreshold and UnauthorizedCooldown), logged once per
/// pause.
/// </summary>
/// <remarks>
/// One per process (a singleton): the throttling is Yahoo's answer to this client's address, so every ingest run of
/// the process (the daemon's scheduled and job runs, the HTTP refreshes) sits the same pause out, and the cooldown
/// gauge reads it here instead of through a process-wide static.
/// </remarks>
public sealed class UnauthorizedGate(int threshold, TimeSpan cooldown, TimeProvider time, ILogger logger)
{
    private readonly int _threshold = threshold;
    private readonly TimeSpan _cooldown = cooldown;
    private readonly Lock _lock = new();
    private int _consecutive;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    /// <summary>True while the gate holds fetches back.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _pausedUntil > time.GetUtcNow();
            }
        }
    }

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

            if (++_consecutive < _threshold)
            {
                return;
            }

            _consecutive = 0;
            var until = time.GetUtcNow() + _cooldown;
            if (until <= _pausedUntil)
            {
                return;
            }

            _pausedUntil = until;
        }

        PipelineMetrics.CooldownActive.Set(1);
        PipelineLog.UnauthorizedPause(logger, _threshold, _cooldown);
    }
}
