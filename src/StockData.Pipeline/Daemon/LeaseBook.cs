using System.Collections.Concurrent;
using StockData.Core;
using StockData.Diagnostics;

namespace StockData.Pipeline.Daemon;

/// <summary>
/// The leases this replica holds, from claim to release: what the renewal extends, what the claim loop counts against
/// <see cref="DaemonOptions.MaxLeases"/>, and the <c>stockdata_leases_held</c> gauge. Thread-safe: the claim loop adds,
/// the pipeline's callbacks remove.
/// </summary>
internal sealed class LeaseBook
{
    private readonly ConcurrentDictionary<(string Symbol, string Interval), HeldWork> _scheduled = new();
    private readonly ConcurrentDictionary<long, HeldWork> _jobItems = new();
    private readonly Lock _signalLock = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => _scheduled.Count + _jobItems.Count;

    /// <summary>The scheduled symbol-intervals held now.</summary>
    public IReadOnlyCollection<(string Symbol, string Interval)> ScheduledKeys => [.. _scheduled.Keys];

    /// <summary>The job items held now.</summary>
    public IReadOnlyCollection<long> JobItemIds => [.. _jobItems.Keys];

    public void Add(HeldWork work)
    {
        if (work.Request.JobItemId is { } id)
        {
            _jobItems[id] = work;
        }
        else
        {
            _scheduled[(work.Request.Symbol, work.Request.Interval.Token)] = work;
        }

        PipelineMetrics.LeasesHeld.Set(Count);
    }

    /// <summary>The held lease of <paramref name="request"/>, if any, now given up.</summary>
    public HeldWork? Remove(SymbolRequest request)
    {
        var removed = request.JobItemId is { } id
            ? _jobItems.TryRemove(id, out var item) ? item : null
            : _scheduled.TryRemove((request.Symbol, request.Interval.Token), out var work) ? work : null;
        PipelineMetrics.LeasesHeld.Set(Count);
        if (removed is not null)
        {
            TaskCompletionSource released;
            lock (_signalLock)
            {
                released = _released;
                _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            released.TrySetResult();
        }

        return removed;
    }

    /// <summary>Completes when a lease is next given up (a wake-up for a claim loop waiting for room).</summary>
    public Task NextReleaseAsync()
    {
        lock (_signalLock)
        {
            return _released.Task;
        }
    }

    public void Clear()
    {
        _scheduled.Clear();
        _jobItems.Clear();
        PipelineMetrics.LeasesHeld.Set(0);
    }
}
