using System.Collections;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// A fixed-size read-only list stored in chunks of at most <see cref="ChunkLength"/> items, so that no chunk reaches
/// the 85,000-byte large-object threshold. A 10-year daily response is 2,520 bars of 88 bytes: as one array it lands
/// on the LOH and every few parses cost a gen-2 collection (measured: 66 gen-2 GCs per 1,000 parses in the parser
/// benchmark), which a long-running ingester should not pay.
/// </summary>
public sealed class ChunkedList<T> : IReadOnlyList<T>
    where T : struct
{
    /// <summary>512 items: 45 KB chunks for <c>Bar</c>, well below the threshold.</summary>
    public const int ChunkLength = 512;

    private const int ChunkShift = 9;
    private const int ChunkMask = ChunkLength - 1;

    private readonly T[][] _chunks;

    public ChunkedList(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _chunks = new T[(count + ChunkMask) >> ChunkShift][];
        for (var i = 0; i < _chunks.Length; i++)
        {
            _chunks[i] = new T[Math.Min(ChunkLength, count - (i << ChunkShift))];
        }
    }

    public int Count { get; }

    public T this[int index] => _chunks[index >> ChunkShift][index & ChunkMask];

    /// <summary>Writes an item; only the builder that created the list calls this, before handing it out.</summary>
    public void Set(int index, in T value) => _chunks[index >> ChunkShift][index & ChunkMask] = value;

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var chunk in _chunks)
        {
            foreach (var item in chunk)
            {
                yield return item;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
