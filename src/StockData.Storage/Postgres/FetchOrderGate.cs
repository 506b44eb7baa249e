namespace StockData.Storage.Postgres;

/// <summary>
/// Keeps the chunks of one fetch committing in offset order when several batches are written at once: a batch
/// waits until every earlier offset of each of its fetches is done (committed or failed) before it opens a
/// transaction, and learns whether all of them committed, the condition for moving the fetch's watermark.
/// </summary>
/// <remarks>
/// Batches come out of the batcher in order, so a fetch's earlier rows are always in an earlier batch and the waits
/// never form a cycle. A batch waits before taking a connection, so waiting holds no pool slot and no lock.
/// </remarks>
public sealed class FetchOrderGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Progress> _fetches = [];

    /// <summary>Fetches with chunks in flight or waiting (diagnostics and tests).</summary>
    public int TrackedFetches
    {
        get
        {
            lock (_lock)
            {
                return _fetches.Count;
            }
        }
    }

    /// <summary>
    /// Waits until each span's earlier offsets are done. Returns, per span, whether every earlier offset committed
    /// (false when a chunk before it failed, or when the wait timed out and the span went ahead out of order).
    /// </summary>
    public async Task<bool[]> EnterAsync(IReadOnlyList<FetchSpan> spans, TimeSpan timeout, TimeProvider timeProvider,
        Action<FetchSpan> onTimeout, CancellationToken cancellationToken)
    {
        var result = new bool[spans.Count];
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            if (span.IsWholeFetch)
            {
                result[i] = true;
                continue;
            }

            Progress progress;
            Task? wait = null;
            lock (_lock)
            {
                progress = GetOrAdd(span.FetchId);
                if (progress.DoneThrough < span.FirstOffset)
                {
                    var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    progress.Waiters.Add((span.FirstOffset, waiter));
                    wait = waiter.Task;
                }
            }

            if (wait is not null)
            {
                try
                {
                    await wait.WaitAsync(timeout, timeProvider, cancellationToken);
                }
                catch (TimeoutException)
                {
                    onTimeout(span);
                }
            }

            lock (_lock)
            {
                result[i] = progress.CommittedThrough >= span.FirstOffset;
            }
        }

        return result;
    }

    /// <summary>
    /// Marks the spans done (committed or not) and releases the batches waiting for them. A fetch is forgotten when its
    /// last chunk commits; after a failure it is kept, so a caller that hands the failed chunk again is not made to
    /// wait for earlier offsets that are long done.
    /// </summary>
    public void Exit(IReadOnlyList<FetchSpan> spans, bool committed)
    {
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (span.IsWholeFetch)
                {
                    continue;
                }

                var progress = GetOrAdd(span.FetchId);
                if (committed && progress.CommittedThrough >= span.FirstOffset)
                {
                    progress.CommittedThrough = Math.Max(progress.CommittedThrough, span.EndOffset);
                }

                progress.DoneThrough = Math.Max(progress.DoneThrough, span.EndOffset);
                for (var w = progress.Waiters.Count - 1; w >= 0; w--)
                {
                    var (offset, waiter) = progress.Waiters[w];
                    if (offset <= progress.DoneThrough || span.ContainsLast)
                    {
                        progress.Waiters.RemoveAt(w);
                        waiter.TrySetResult();
                    }
                }

                if (span.ContainsLast && committed)
                {
                    _fetches.Remove(span.FetchId);
                }
            }
        }
    }

    private Progress GetOrAdd(long fetchId)
    {
        if (!_fetches.TryGetValue(fetchId, out var progress))
        {
            _fetches[fetchId] = progress = new Progress();
        }

        return progress;
    }

    private sealed class Progress
    {
        /// <summary>Every offset below this is done (committed or failed): later chunks may go.</summary>
        public long DoneThrough { get; set; }

        /// <summary>Every offset below this committed: a chunk starting at or below it may complete the fetch.</summary>
        public long CommittedThrough { get; set; }

        public List<(int Offset, TaskCompletionSource Waiter)> Waiters { get; } = [];
    }
}
