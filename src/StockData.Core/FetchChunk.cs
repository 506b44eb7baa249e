namespace StockData.Core;

/// <summary>
/// A contiguous run of one fetch's bars, the unit a <see cref="WriteBatch"/> is made of. A fetch (one symbol and
/// interval, one response or one streamed series of responses) becomes one chunk, or several when it does not fit
/// in the room left in a batch (<see cref="Split"/>): its chunks may then land in several batches.
/// </summary>
/// <param name="FetchId">Identifies the fetch among everything feeding one writer (<see cref="FetchIdSequence"/>); the
/// writer orders and completes fetches by it.</param>
/// <param name="Symbol">The symbol, as stored.</param>
/// <param name="Interval">The bar interval; decides the key (trade date for 1d and longer, timestamp intraday).</param>
/// <param name="IsFullHistory">The fetch asked for the symbol's whole history: when its last chunk commits, a pending
/// full re-fetch is cleared.</param>
/// <param name="Offset">The chunk's position in the fetch: the index of its first bar among all the fetch's bars
/// (0 for the first chunk). This is the chunk's sequence number; a bar offset rather than a chunk counter so a chunk
/// can be split again by a size-based batcher without renumbering the chunks after it.</param>
/// <param name="Bars">The bars, in the fetch's order (a slice of the parsed list; never copied).</param>
/// <param name="IsLast">This chunk ends the fetch: its commit moves the watermark (if every earlier chunk committed).</param>
/// <param name="Events">Metadata and corporate actions merged with this chunk (null for none).</param>
public sealed record FetchChunk(
    long FetchId,
    string Symbol,
    BarInterval Interval,
    bool IsFullHistory,
    int Offset,
    BarSlice Bars,
    bool IsLast,
    FetchEvents? Events = null)
{
    /// <summary>Rows this chunk holds.</summary>
    public int RowCount => Bars.Count;

    /// <summary>
    /// The whole of a parsed response as one chunk (offset 0, last), with its metadata and events. The bars are not
    /// copied.
    /// </summary>
    public static FetchChunk FromResult(long fetchId, FetchResult result, bool isFullHistory)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new FetchChunk(fetchId, result.Symbol, result.Interval, isFullHistory, 0, new BarSlice(result.Bars), true,
            FetchEvents.From(result));
    }

    /// <summary>
    /// Splits after the first <paramref name="rows"/> bars: the head keeps this offset and is never last; the tail
    /// starts at <c>Offset + rows</c>, keeps <see cref="IsLast"/> and carries the events (they commit with the end of
    /// the fetch). Both share this chunk's list.
    /// </summary>
    public (FetchChunk Head, FetchChunk Tail) Split(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rows, RowCount);
        var head = this with { Bars = Bars.Slice(0, rows), IsLast = false, Events = null };
        var tail = this with { Offset = Offset + rows, Bars = Bars.Slice(rows) };
        return (head, tail);
    }
}
