namespace StockData.Core;

/// <summary>
/// What a fetch returned besides bars: the symbol's metadata and its corporate actions. Rides on one chunk of the
/// fetch (normally the last, which is where <see cref="FetchChunk.Split"/> keeps it) and is merged in that chunk's
/// transaction. Holds references only: nothing is copied from the <see cref="FetchResult"/>.
/// </summary>
public sealed record FetchEvents(
    SymbolMetadata? Metadata,
    IReadOnlyList<Dividend> Dividends,
    IReadOnlyList<Split> Splits,
    IReadOnlyList<CapitalGain> CapitalGains)
{
    /// <summary>No metadata and no events.</summary>
    public static FetchEvents None { get; } = new(null, [], [], []);

    public bool IsEmpty => Metadata is null && Dividends.Count == 0 && Splits.Count == 0 && CapitalGains.Count == 0;

    /// <summary>The metadata and events of a parsed response.</summary>
    public static FetchEvents From(FetchResult result) =>
        new(result.Metadata, result.Dividends, result.Splits, result.CapitalGains);
}
