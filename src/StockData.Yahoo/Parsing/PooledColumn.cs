using System.Buffers;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// A growable column of one chart array, backed by <see cref="ArrayPool{T}"/> so that parsing a response leaves no
/// garbage besides the result. A mutable struct: keep it in a field and call it in place, never copy it.
/// </summary>
public struct PooledColumn<T>
    where T : unmanaged
{
    private T[]? _items;

    /// <summary>Values added since <see cref="Begin"/>.</summary>
    public int Count { get; private set; }

    /// <summary>True when the body held this array (not absent, not null).</summary>
    public bool Present { get; private set; }

    public readonly ReadOnlySpan<T> Span => _items is null ? [] : _items.AsSpan(0, Count);

    /// <summary>Starts a new array; a repeated key replaces the earlier one, as System.Text.Json does.</summary>
    public void Begin(int capacityHint)
    {
        Present = true;
        Count = 0;
        if (_items is null || _items.Length < capacityHint)
        {
            Release();
            _items = ArrayPool<T>.Shared.Rent(Math.Max(capacityHint, 16));
        }
    }

    public void Add(T value)
    {
        if (Count == _items!.Length)
        {
            var larger = ArrayPool<T>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, Count).CopyTo(larger);
            ArrayPool<T>.Shared.Return(_items);
            _items = larger;
        }

        _items[Count++] = value;
    }

    /// <summary>Makes an absent column a present one of <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public void Fill(int count, T value)
    {
        Begin(count);
        _items!.AsSpan(0, count).Fill(value);
        Count = count;
    }

    /// <summary>Forgets the values and gives the buffer back to the pool.</summary>
    public void Reset()
    {
        Release();
        Count = 0;
        Present = false;
    }

    private void Release()
    {
        if (_items is not null)
        {
            ArrayPool<T>.Shared.Return(_items);
            _items = null;
        }
    }
}
