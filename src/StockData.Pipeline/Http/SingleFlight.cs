using System.Collections.Concurrent;

namespace StockData.Pipeline.Http;

/// <summary>
/// Concurrent calls for one key share one run of the work: the first starts it, the others wait for its result. The
/// entry is gone once the work finishes, so a later call runs it again. A waiter's cancellation stops its wait, never
/// the shared work.
/// </summary>
internal sealed class SingleFlight<TKey, TResult>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _flights = new();

    /// <summary>Flights running now.</summary>
    public int Count => _flights.Count;

    public Task<TResult> RunAsync(TKey key, Func<Task<TResult>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var flight = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_flights.TryAdd(key, flight.Task))
            {
                _ = FlyAsync(key, flight, work);
                return flight.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task FlyAsync(TKey key, TaskCompletionSource<TResult> flight, Func<Task<TResult>> work)
    {
        Exception? error = null;
        var result = default(TResult)!;
        try
        {
            result = await Task.Run(work);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // The key is freed before the flight completes: a caller that has seen this flight end must start a new one,
        // never be handed the finished (possibly failed) one (seen as a flaky test, one run in several).
        _flights.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, flight.Task));
        if (error is null)
        {
            flight.TrySetResult(result);
        }
        else
        {
            flight.TrySetException(error);
        }
    }
}
