using System.Buffers;
using StockData.Core;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// Turns a well-formed success body into a <see cref="FetchResult"/>: the shape check (R10), row validity (R2–R5),
/// duplicates (R6), the live and out-of-range rows (R7, R8), order (R9), events (R11) and the meta fields kept.
/// </summary>
public static class ChartResultBuilder
{
    private const byte Keep = 0;
    private const byte AllNull = 1;
    private const byte PartialNull = 2;
    private const byte NonFinite = 3;
    private const byte AllZero = 4;
    private const byte Duplicate = 5;
    private const byte Superseded = 6;
    private const byte LivePartial = 7;
    private const byte AfterPeriod2 = 8;

    private static readonly string[] ReasonNames =
    [
        "",
        DropReasons.AllNull,
        DropReasons.PartialNull,
        DropReasons.NonFinite,
        DropReasons.AllZero,
        DropReasons.DuplicateTimestamp,
        DropReasons.SupersededSameDayLiveBar,
        DropReasons.LivePartialInterval,
        DropReasons.AfterPeriod2,
    ];

    public static FetchResult Build(ChartBody body, ChartResponseInfo info, string symbol, BarInterval interval)
    {
        if (!body.HasResult)
        {
            return Malformed(symbol, interval, "chart.result holds no result and chart.error is null");
        }

        var rowCount = body.Timestamps.Present ? body.Timestamps.Count : 0;
        if (ShapeProblem(body, rowCount) is { } problem)
        {
            return Malformed(symbol, interval, problem);
        }

        ExchangeZone? zone = null;
        var hasEvents = body.Dividends is { Count: > 0 } || body.Splits is { Count: > 0 } || body.CapitalGains is { Count: > 0 };
        if (rowCount > 0 || hasEvents)
        {
            if (body.ExchangeTimezoneName is not { Length: > 0 } zoneId)
            {
                return Malformed(symbol, interval, "meta.exchangeTimezoneName is missing, so no bar or event can be dated (R1)");
            }

            zone = ExchangeZone.Find(zoneId);
            if (zone is null)
            {
                return Malformed(symbol, interval, $"meta.exchangeTimezoneName '{zoneId}' is not a time zone known here (R1)");
            }
        }

        // Columns the body did not send read as null cells (a missing volume or adjclose block is allowed).
        FillAbsent(ref body.Open, rowCount, ChartBody.NullPrice);
        FillAbsent(ref body.High, rowCount, ChartBody.NullPrice);
        FillAbsent(ref body.Low, rowCount, ChartBody.NullPrice);
        FillAbsent(ref body.Close, rowCount, ChartBody.NullPrice);
        FillAbsent(ref body.Volume, rowCount, ChartBody.NullVolume);
        FillAbsent(ref body.AdjClose, rowCount, ChartBody.NullPrice);

        var dates = zone is null ? default : new LocalDateCalculator(zone);
        var (bars, dropped) = rowCount == 0
            ? ((IReadOnlyList<Bar>)Array.Empty<Bar>(), Array.Empty<DroppedRow>())
            : BuildRows(body, info, interval, ref dates);

        var metadata = new SymbolMetadata(
            body.Currency,
            body.InstrumentType,
            body.ExchangeName,
            body.ExchangeTimezoneName,
            FromEpoch(body.FirstTradeDate),
            FromEpoch(body.RegularMarketTime),
            FromEpoch(body.RegularSessionEnd));

        return new FetchResult(
            symbol,
            interval,
            metadata,
            bars,
            BuildEvents(body.Dividends, ref dates, static (t, d, e) => new Dividend(t, d, e.First)),
            BuildEvents(body.Splits, ref dates, static (t, d, e) => new Split(t, d, e.First, e.Second)),
            BuildEvents(body.CapitalGains, ref dates, static (t, d, e) => new CapitalGain(t, d, e.First)),
            dropped,
            null);
    }

    public static FetchResult Malformed(string symbol, BarInterval interval, string message) =>
        FetchResult.Failed(symbol, interval, new FetchError(FetchErrorCategory.Malformed, null, message));

    /// <summary>R10: every array present must be as long as timestamp[] (zero when timestamp is absent or null).</summary>
    private static string? ShapeProblem(ChartBody body, int rowCount)
    {
        if (body.ShapeProblem is { } problem)
        {
            return problem;
        }

        return Check(body.Open.Present, body.Open.Count, "indicators.quote[0].open")
               ?? Check(body.High.Present, body.High.Count, "indicators.quote[0].high")
               ?? Check(body.Low.Present, body.Low.Count, "indicators.quote[0].low")
               ?? Check(body.Close.Present, body.Close.Count, "indicators.quote[0].close")
               ?? Check(body.Volume.Present, body.Volume.Count, "indicators.quote[0].volume")
               ?? Check(body.AdjClose.Present, body.AdjClose.Count, "indicators.adjclose[0].adjclose");

        string? Check(bool present, int count, string name) =>
            present && count != rowCount
                ? $"{name} has {count} values but " + (body.Timestamps.Present ? $"timestamp has {rowCount} (R10)" : "timestamp is absent (R10)")
                : null;
    }

    private static void FillAbsent<T>(ref PooledColumn<T> column, int rowCount, T value)
        where T : unmanaged
    {
        if (!column.Present && rowCount > 0)
        {
            column.Fill(rowCount, value);
        }
    }

    private static (IReadOnlyList<Bar> Bars, DroppedRow[] Dropped) BuildRows(ChartBody body, ChartResponseInfo info, BarInterval interval,
        ref LocalDateCalculator dates)
    {
        var timestamps = body.Timestamps.Span;
        var rowCount = timestamps.Length;
        var reasonBuffer = ArrayPool<byte>.Shared.Rent(rowCount);
        var orderBuffer = ArrayPool<int>.Shared.Rent(rowCount);
        try
        {
            var reasons = reasonBuffer.AsSpan(0, rowCount);
            var order = orderBuffer.AsSpan(0, rowCount);
            var kept = ClassifyRows(body, reasons, order, out var ascending);
            if (!ascending)
            {
                kept = SortAndDeduplicate(timestamps, reasons, order[..kept]);
            }

            kept = interval.IsIntraday
                ? ApplyIntradayTail(timestamps, reasons, order[..kept], info.Period2, (long)interval.Nominal.TotalSeconds)
                : ApplyDailyTail(timestamps, reasons, order[..kept], ref dates);

            var bars = new ChunkedList<Bar>(kept);
            var open = body.Open.Span;
            var high = body.High.Span;
            var low = body.Low.Span;
            var close = body.Close.Span;
            var volume = body.Volume.Span;
            var adjClose = body.AdjClose.Span;
            for (var j = 0; j < kept; j++)
            {
                var i = order[j];
                var t = timestamps[i];
                var adj = adjClose[i];
                var vol = volume[i];
                bars.Set(j, new Bar(
                    DateTimeOffset.FromUnixTimeSeconds(t),
                    dates.LocalDate(t),
                    open[i],
                    high[i],
                    low[i],
                    close[i],
                    double.IsFinite(adj) ? adj : null,
                    vol == ChartBody.NullVolume ? null : vol));
            }

            var dropped = new DroppedRow[rowCount - kept];
            for (int i = 0, d = 0; d < dropped.Length; i++)
            {
                if (reasons[i] != Keep)
                {
                    dropped[d++] = new DroppedRow(i, timestamps[i], ReasonNames[reasons[i]]);
                }
            }

            return (bars, dropped);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(reasonBuffer);
            ArrayPool<int>.Shared.Return(orderBuffer);
        }
    }

    /// <summary>R2 and R3 per row; the indices of valid rows go to <paramref name="order"/> in body order.</summary>
    private static int ClassifyRows(ChartBody body, Span<byte> reasons, Span<int> order, out bool ascending)
    {
        var timestamps = body.Timestamps.Span;
        var open = body.Open.Span;
        var high = body.High.Span;
        var low = body.Low.Span;
        var close = body.Close.Span;
        var kept = 0;
        var previous = long.MinValue;
        ascending = true;
        for (var i = 0; i < reasons.Length; i++)
        {
            var reason = Classify(open[i], high[i], low[i], close[i]);
            reasons[i] = reason;
            if (reason == Keep)
            {
                // Strictly ascending means sorted and free of duplicates, the usual case: no sort needed.
                ascending &= timestamps[i] > previous;
                previous = timestamps[i];
                order[kept++] = i;
            }
        }

        return kept;
    }

    private static byte Classify(double open, double high, double low, double close)
    {
        if (double.IsFinite(open) && double.IsFinite(high) && double.IsFinite(low) && double.IsFinite(close))
        {
            // A single zero or negative price is real (futures went negative in 2020); all four zero is a placeholder.
            return open == 0 && high == 0 && low == 0 && close == 0 ? AllZero : Keep;
        }

        var nulls = IsNull(open) + IsNull(high) + IsNull(low) + IsNull(close);
        return nulls switch
        {
            4 => AllNull,
            > 0 => PartialNull,
            _ => NonFinite,
        };

        static int IsNull(double cell) =>
            BitConverter.DoubleToInt64Bits(cell) == BitConverter.DoubleToInt64Bits(ChartBody.NullPrice) ? 1 : 0;
    }

    /// <summary>
    /// R9 and R6 for bodies that are not strictly ascending: sort the valid rows by timestamp and keep the last
    /// occurrence (highest index) of each timestamp.
    /// </summary>
    private static int SortAndDeduplicate(ReadOnlySpan<long> timestamps, Span<byte> reasons, Span<int> order)
    {
        var keyBuffer = ArrayPool<long>.Shared.Rent(order.Length);
        try
        {
            var keys = keyBuffer.AsSpan(0, order.Length);
            for (var j = 0; j < order.Length; j++)
            {
                keys[j] = timestamps[order[j]];
            }

            keys.Sort(order);
            var kept = 0;
            for (var start = 0; start < order.Length;)
            {
                var end = start + 1;
                var last = order[start];
                while (end < order.Length && keys[end] == keys[start])
                {
                    last = Math.Max(last, order[end]);
                    end++;
                }

                for (var j = start; j < end; j++)
                {
                    if (order[j] != last)
                    {
                        reasons[order[j]] = Duplicate;
                    }
                }

                order[kept++] = last;
                start = end;
            }

            return kept;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keyBuffer);
        }
    }

    /// <summary>
    /// R8: rows at or after period2 go first (they are outside the request, so they cannot be the tail), then the
    /// last row is a still-forming bar when it is less than one interval after the one before it.
    /// </summary>
    private static int ApplyIntradayTail(ReadOnlySpan<long> timestamps, Span<byte> reasons, Span<int> order, long? period2,
        long intervalSeconds)
    {
        var kept = order.Length;
        if (period2 is { } end)
        {
            while (kept > 0 && timestamps[order[kept - 1]] >= end)
            {
                reasons[order[--kept]] = AfterPeriod2;
            }
        }

        if (kept >= 2 && timestamps[order[kept - 1]] - timestamps[order[kept - 2]] < intervalSeconds)
        {
            reasons[order[--kept]] = LivePartial;
        }

        return kept;
    }

    /// <summary>
    /// R7: when the last two valid rows share an exchange-local date, the later one is Yahoo's live update and
    /// replaces the earlier. A last row alone on its date is today's bar and stays, whatever its time of day.
    /// </summary>
    private static int ApplyDailyTail(ReadOnlySpan<long> timestamps, Span<byte> reasons, Span<int> order, ref LocalDateCalculator dates)
    {
        var kept = order.Length;
        if (kept >= 2 && dates.LocalDate(timestamps[order[kept - 1]]) == dates.LocalDate(timestamps[order[kept - 2]]))
        {
            reasons[order[kept - 2]] = Superseded;
            order[kept - 2] = order[kept - 1];
            kept--;
        }

        return kept;
    }

    private delegate T EventFactory<out T>(DateTimeOffset timestamp, DateOnly exDate, RawEvent raw);

    /// <summary>R11: each event dated by its own <c>date</c>, ex-date in exchange-local time, sorted by date.</summary>
    private static T[] BuildEvents<T>(List<RawEvent>? raw, ref LocalDateCalculator dates, EventFactory<T> create)
    {
        if (raw is not { Count: > 0 })
        {
            return [];
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(raw);
        span.Sort(static (a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date)
            : a.First != b.First ? a.First.CompareTo(b.First) : a.Second.CompareTo(b.Second));
        var events = new T[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            events[i] = create(DateTimeOffset.FromUnixTimeSeconds(span[i].Date), dates.LocalDate(span[i].Date), span[i]);
        }

        return events;
    }

    private static DateTimeOffset? FromEpoch(long? epochSeconds) =>
        epochSeconds is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
