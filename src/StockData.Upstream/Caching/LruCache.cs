using StockData.Diagnostics;

namespace StockData.Upstream.Caching;

/// <summary>
/// A bounded, thread-safe least-recently-used map: at <c>capacity</c> entries, adding one evicts the entry used longest
/// ago. Every look-up is counted on <c>stockdata_cache_requests_total{cache=name, result=hit|miss}</c>.
/// </summary>
/// <remarks>
/// One lock around a dictionary and a linked list: the entries are small (metadata) and look-ups a few thousand per
/// daemon cycle, far from where a lock would show; MemoryCache was not used because its size limit compacts in the
/// background by percentage, not by recency, and it has no exact bound.
/// </remarks>
public sealed class LruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _map;
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private readonly Func<TValue, bool>? _isFresh;

    /// <param name="isFresh">When given, an entry it rejects is dropped and counted as a miss (values with an expiry).</param>
    public LruCache(string name, int capacity, IEqualityComparer<TKey>? comparer = null, Func<TValue, bool>? isFresh = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Name = name;
        Capacity = capacity;
        _isFresh = isFresh;
        _map = new Dictionary<TKey, LinkedListNode<(TKey, TValue)>>(comparer);
    }

    /// <summary>The <c>cache</c> label of its metrics.</summary>
    public string Name { get; }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>Looks <paramref name="key"/> up (counted as a hit or a miss) and marks it most recently used.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        bool found;
        lock (_lock)
        {
            found = _map.TryGetValue(key, out var node);
            if (found && _isFresh is not null && !_isFresh(node!.Value.Value))
            {
                _map.Remove(key);
                _order.Remove(node);
                found = false;
            }

            if (found)
            {
                _order.Remove(node!);
                _order.AddFirst(node!);
                value = node!.Value.Value;
            }
            else
            {
                value = default!;
            }
        }

        PipelineMetrics.CacheRequests.WithLabels(Name, found ? "hit" : "miss").Inc();
        return found;
    }

    /// <summary>Adds or replaces <paramref name="key"/>, evicting the least recently used entry when full.</summary>
    public void Set(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
            }
            else if (_map.Count >= Capacity)
            {
                var oldest = _order.Last!;
                _order.RemoveLast();
                _map.Remove(oldest.Value.Key);
            }

            _map[key] = _order.AddFirst((key, value));
        }
    }

    public bool Remove(TKey key)
    {
        lock (_lock)
        {
            if (!_map.Remove(key, out var node))
            {
                return false;
            }

            _order.Remove(node);
            return true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _map.Clear();
            _order.Clear();
        }
    }
}
