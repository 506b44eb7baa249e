using StockData.Storage.Postgres.Export;

namespace StockData.Pipeline.Export;

/// <summary>
/// The price adjustment an export applies to bars between the store and the file. Only <c>none</c> (the stored
/// values, Yahoo's <c>adj_close</c> column included) exists so far; <c>splits</c> and <c>all</c> plug in here as a
/// transform of each file's bar stream, fed the symbol's events.
/// </summary>
internal static class BarAdjustment
{
    public const string None = "none";

    public static readonly string[] Names = [None];

    public static IAsyncEnumerable<SymbolBar> Apply(string adjust, IAsyncEnumerable<SymbolBar> bars) => adjust switch
    {
        None => bars,
        _ => throw new ExportRequestException("--adjust", $"'{adjust}' is not one of {string.Join(", ", Names)}"),
    };
}
