using System.Globalization;
using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>
/// A batch prepared for the database: bars grouped per symbol and interval family, in one global key order (so two
/// writers touching the same rows lock them in the same order and cannot deadlock), duplicates dropped (last wins,
/// so ON CONFLICT never meets a key twice), plus the per-fetch spans, symbols and events the transaction writes.
/// </summary>
public sealed class BarBatchPlan
{
    private const int MaxSymbolLength = 32; // symbols.symbol CHECK (0001_initial.sql)

    private BarBatchPlan()
    {
    }

    public required IReadOnlyList<BarGroup> DailyGroups { get; init; }

    public required IReadOnlyList<BarGroup> IntradayGroups { get; init; }

    public required int DailyRows { get; init; }

    public required int IntradayRows { get; init; }

    /// <summary>Rows dropped because a later row of the batch had the same key.</summary>
    public required int Superseded { get; init; }

    public required IReadOnlyList<FetchSpan> Fetches { get; init; }

    /// <summary>Distinct symbols in ordinal order, each with the last metadata the batch carried for it.</summary>
    public required IReadOnlyList<(string Symbol, SymbolMetadata? Metadata)> Symbols { get; init; }

    /// <summary>Distinct (symbol, interval) pairs in ordinal order.</summary>
    public required IReadOnlyList<(string Symbol, BarInterval Interval)> SymbolIntervals { get; init; }

    public required IReadOnlyList<(string Symbol, Dividend Event)> Dividends { get; init; }

    public required IReadOnlyList<(string Symbol, Split Event)> Splits { get; init; }

    public required IReadOnlyList<(string Symbol, CapitalGain Event)> CapitalGains { get; init; }

    /// <summary>The batch the plan was made from (the suspicious-response check reads its chunks).</summary>
    public required WriteBatch Source { get; init; }

    public bool HasEvents => Dividends.Count + Splits.Count + CapitalGains.Count > 0;

    /// <summary>The batch's distinct symbols, for error messages.</summary>
    public IReadOnlyList<string> SymbolNames => Symbols.Select(s => s.Symbol).ToList();

    public static BarBatchPlan Create(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var groups = new Dictionary<(string Symbol, string Interval), List<FetchChunk>>();
        var spans = new Dictionary<long, FetchSpan>();
        var symbols = new Dictionary<string, SymbolMetadata?>(StringComparer.Ordinal);
        var dividends = new List<(string, Dividend)>();
        var splits = new List<(string, Split)>();
        var gains = new List<(string, CapitalGain)>();

        foreach (var chunk in batch.Chunks)
        {
            Validate(chunk);
            var key = (chunk.Symbol, chunk.Interval.Token);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(chunk);

            var metadata = chunk.Events?.Metadata;
            if (metadata is not null || !symbols.ContainsKey(chunk.Symbol))
            {
                symbols[chunk.Symbol] = metadata ?? symbols.GetValueOrDefault(chunk.Symbol);
            }

            var (newestAt, newestReason) = NewestAction(chunk.Events);
            var end = chunk.Offset + chunk.RowCount;
            if (spans.TryGetValue(chunk.FetchId, out var span))
            {
                var newer = newestAt is not null && (span.NewestActionAt is null || newestAt > span.NewestActionAt);
                spans[chunk.FetchId] = span with
                {
                    FirstOffset = Math.Min(span.FirstOffset, chunk.Offset),
                    EndOffset = Math.Max(span.EndOffset, end),
                    ContainsLast = span.ContainsLast || chunk.IsLast,
                    NewestActionAt = newer ? newestAt : span.NewestActionAt,
                    NewestActionReason = newer ? newestReason : span.NewestActionReason,
                };
            }
            else
            {
                spans[chunk.FetchId] = new FetchSpan(chunk.FetchId, chunk.Symbol, chunk.Interval, chunk.IsFullHistory, chunk.Offset, end,
                    chunk.IsLast, newestAt, newestReason);
            }

            if (chunk.Events is { } events)
            {
                dividends.AddRange(events.Dividends.Select(d => (chunk.Symbol, d)));
                splits.AddRange(events.Splits.Select(s => (chunk.Symbol, s)));
                gains.AddRange(events.CapitalGains.Select(g => (chunk.Symbol, g)));
            }
        }

        var daily = new List<BarGroup>();
        var intraday = new List<BarGroup>();
        int dailyRows = 0, intradayRows = 0, superseded = 0;
        foreach (var ((symbol, interval), chunks) in groups.OrderBy(g => g.Key.Symbol, StringComparer.Ordinal)
                     .ThenBy(g => g.Key.Interval, StringComparer.Ordinal))
        {
            var isDaily = chunks[0].Interval.IsDailyOrLonger;
            var (rows, dropped) = Deduplicate(chunks, isDaily);
            superseded += dropped;
            if (rows.Count == 0)
            {
                continue;
            }

            var group = new BarGroup(symbol, interval, rows);
            if (isDaily)
            {
                daily.Add(group);
                dailyRows += rows.Count;
            }
            else
            {
                intraday.Add(group);
                intradayRows += rows.Count;
            }
        }

        return new BarBatchPlan
        {
            DailyGroups = daily,
            IntradayGroups = intraday,
            DailyRows = dailyRows,
            IntradayRows = intradayRows,
            Superseded = superseded,
            Fetches = [.. spans.Values],
            Symbols = [.. symbols.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value))],
            SymbolIntervals = [.. groups.Select(g => (g.Key.Symbol, g.Value[0].Interval))
                .OrderBy(g => g.Symbol, StringComparer.Ordinal).ThenBy(g => g.Interval.Token, StringComparer.Ordinal)],
            Dividends = dividends,
            Splits = splits,
            CapitalGains = gains,
            Source = batch,
        };
    }

    /// <summary>The fetch spans of a batch that failed validation (offsets and last flags only), to release waiters.</summary>
    public static IReadOnlyList<FetchSpan> Spans(WriteBatch batch) =>
        [.. batch.Chunks.GroupBy(c => c.FetchId).Select(g => new FetchSpan(g.Key, g.First().Symbol ?? "", g.First().Interval,
            g.First().IsFullHistory, g.Min(c => c.Offset), g.Max(c => c.Offset + c.RowCount), g.Any(c => c.IsLast), null, null))];

    /// <summary>
    /// The common case, one chunk whose keys strictly increase, is passed through without copying. Otherwise the rows
    /// are keyed (trade date for the daily family, UTC instant intraday), the last row per key kept, and sorted by key.
    /// </summary>
    private static (BarSlice Rows, int Dropped) Deduplicate(List<FetchChunk> chunks, bool daily)
    {
        if (chunks.Count == 1 && StrictlyIncreasing(chunks[0].Bars, daily))
        {
            return (chunks[0].Bars, 0);
        }

        var total = 0;
        var byKey = new Dictionary<long, Bar>();
        foreach (var chunk in chunks)
        {
            foreach (var bar in chunk.Bars)
            {
                byKey[Key(bar, daily)] = bar;
                total++;
            }
        }

        var rows = byKey.Values.ToArray();
        Array.Sort(rows, (a, b) => Key(a, daily).CompareTo(Key(b, daily)));
        return (rows, total - rows.Length);
    }

    private static bool StrictlyIncreasing(BarSlice bars, bool daily)
    {
        var previous = long.MinValue;
        for (var i = 0; i < bars.Count; i++)
        {
            var key = Key(bars[i], daily);
            if (key <= previous)
            {
                return false;
            }

            previous = key;
        }

        return true;
    }

    private static long Key(in Bar bar, bool daily) => daily ? bar.TradeDate.DayNumber : bar.Timestamp.UtcTicks;

    private static (DateTimeOffset? At, string? Reason) NewestAction(FetchEvents? events)
    {
        if (events is null)
        {
            return (null, null);
        }

        DateTimeOffset? at = null;
        string? reason = null;
        foreach (var split in events.Splits)
        {
            if (at is null || split.Timestamp > at)
            {
                at = split.Timestamp;
                reason = string.Create(CultureInfo.InvariantCulture, $"split {split.ExDate:yyyy-MM-dd} {split.Numerator}:{split.Denominator}");
            }
        }

        foreach (var dividend in events.Dividends)
        {
            if (at is null || dividend.Timestamp > at)
            {
                at = dividend.Timestamp;
                reason = string.Create(CultureInfo.InvariantCulture, $"dividend {dividend.ExDate:yyyy-MM-dd} {dividend.Amount}");
            }
        }

        return (at, reason);
    }

    private static void Validate(FetchChunk chunk)
    {
        if (string.IsNullOrEmpty(chunk.Symbol) || chunk.Symbol.Length > MaxSymbolLength)
        {
            throw new ArgumentException($"Chunk of fetch {chunk.FetchId}: symbol '{chunk.Symbol}' must be 1-{MaxSymbolLength} characters.", nameof(chunk));
        }

        if (chunk.Interval.Token is null)
        {
            throw new ArgumentException($"Chunk of fetch {chunk.FetchId} ({chunk.Symbol}) has no interval.", nameof(chunk));
        }

        if (chunk.Offset < 0)
        {
            throw new ArgumentException($"Chunk of fetch {chunk.FetchId} ({chunk.Symbol}) has a negative offset.", nameof(chunk));
        }
    }
}
