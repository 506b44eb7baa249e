namespace StockData.Core;

/// <summary>
/// What a fetch returned besides bars: the symbol's metadata and its corporate actions. Rides on one chunk of the
/// fetch (normally the last, which is where <see cref="FetchChunk.Split"/> keeps it) and is merged in that chunk's
/// transaction. Holds references only: nothing is copied from the <see cref="FetchResult"/> but the null rows' times.
/// </summary>
/// <param name="NullRows">Daily-or-longer rows Yahoo sent with every field null (dropped by the parser, rule R2): the
/// epoch seconds of dates the upstream answered for with nothing. The store remembers them without storing a bar.</param>
public sealed record FetchEvents(
    SymbolMetadata? Metadata,
    IReadOnlyList<Dividend> Dividends,
    IReadOnlyList<Split> Splits,
    IReadOnlyList<CapitalGain> CapitalGains,
    IReadOnlyList<long>? NullRows = null)
{
    /// <summary>No metadata and no events.</summary>
    public static FetchEvents None { get; } = new(null, [], [], []);

    public bool IsEmpty => Metadata is null && Dividends.Count == 0 && Splits.Count == 0 && CapitalGains.Count == 0 && (NullRows is null || NullRows.Count == 0);

    /// <summary>The metadata and events of a parsed response.</summary>
    public static FetchEvents From(FetchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        List<long>? nullRows = null;
        if (result.Interval.IsDailyOrLonger)
        {
            foreach (var row in result.DroppedRows)
            {
                if (row.Reason == DropReasons.AllNull)
                {
                    (nullRows ??= []).Add(row.Timestamp);
                }
            }
        }

        return new(result.Metadata, result.Dividends, result.Splits, result.CapitalGains, nullRows);
    }
}
