using System.Collections;

namespace StockData.Core;

/// <summary>
/// A window onto a list of bars, without copying: a chunk's bars are a slice of the parsed response's list, whatever
/// list the parser built (an array, or a list stored in small chunks to stay off the large-object heap).
/// </summary>
public readonly struct BarSlice : IReadOnlyList<Bar>, IEquatable<BarSlice>
{
    private readonly IReadOnlyList<Bar>? _source;
    private readonly int _start;

    public BarSlice(IReadOnlyList<Bar> source)
        : this(source, 0, source?.Count ?? 0)
    {
    }

    public BarSlice(IReadOnlyList<Bar> source, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, source.Count, nameof(count));
        _source = source;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public Bar this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _source![_start + index];
        }
    }

    public static implicit operator BarSlice(Bar[] bars) => new(bars);

    public static bool operator ==(BarSlice left, BarSlice right) => left.Equals(right);

    public static bool operator !=(BarSlice left, BarSlice right) => !left.Equals(right);

    /// <summary>The bars from <paramref name="start"/> on.</summary>
    public BarSlice Slice(int start) => Slice(start, Count - start);

    /// <summary><paramref name="count"/> bars from <paramref name="start"/>, sharing this slice's list.</summary>
    public BarSlice Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count, nameof(count));
        return count == 0 && _source is null ? default : new BarSlice(_source!, _start + start, count);
    }

    public static BarSlice FromArray(Bar[] bars) => new(bars);

    public IEnumerator<Bar> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _source![_start + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Same list, same window (not the same values).</summary>
    public bool Equals(BarSlice other) => ReferenceEquals(_source, other._source) && _start == other._start && Count == other.Count;

    public override bool Equals(object? obj) => obj is BarSlice other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_source, _start, Count);
}
