using System.Runtime.CompilerServices;
using StockData.Core;
using StockData.Storage.Postgres.Export;

namespace StockData.Pipeline.Export;

/// <summary>
/// The price adjustment an export applies to bars between the store and the file: <c>none</c> (the stored values,
/// Yahoo's <c>adj_close</c> column included), <c>splits</c> or <c>all</c>, computed exactly as <c>GET /bars?adjust=</c>
/// computes it (the same events as held at <c>--as-of</c>, the same <see cref="PriceAdjuster"/>), so an adjusted export
/// holds the API's numbers. The adjusters are loaded once per run (a handful of events per symbol); the bars still
/// stream one at a time.
/// </summary>
internal sealed class BarAdjustment
{
    private readonly Dictionary<string, PriceAdjuster> _adjusters;

    private BarAdjustment(PriceAdjustment adjustment, Dictionary<string, PriceAdjuster> adjusters)
    {
        Adjustment = adjustment;
        _adjusters = adjusters;
    }

    public static IReadOnlyList<string> Names => PriceAdjustments.Tokens;

    public static BarAdjustment None { get; } = new(PriceAdjustment.None, []);

    public PriceAdjustment Adjustment { get; }

    /// <summary>The adjustment named <paramref name="name"/> (an <c>--adjust</c> value) for the symbols of <paramref name="scope"/>.</summary>
    public static async Task<BarAdjustment> LoadAsync(string name, BarExportReader bars, ExportScope scope, CancellationToken cancellationToken)
    {
        if (!PriceAdjustments.TryParse(name, out var adjustment))
        {
            throw new ExportRequestException("--adjust", $"'{name}' is not one of {string.Join(", ", Names)}");
        }

        return adjustment == PriceAdjustment.None ? None
            : new BarAdjustment(adjustment, await bars.LoadAdjustersAsync(scope, adjustment, cancellationToken));
    }

    /// <summary>
    /// Whether a file of <paramref name="symbols"/> needs each bar's write time: only when one of them has a split that
    /// counts (most symbols have none, and their read skips the column).
    /// </summary>
    public bool NeedsWriteTimes(IEnumerable<string> symbols) =>
        symbols.Any(s => _adjusters.TryGetValue(s, out var adjuster) && adjuster.NeedsWriteTimes);

    /// <summary><paramref name="bars"/> adjusted, each by its symbol's adjuster (a year file holds many symbols, consecutive).</summary>
    public IAsyncEnumerable<SymbolBar> Apply(IAsyncEnumerable<SymbolBar> bars, CancellationToken cancellationToken) =>
        Adjustment == PriceAdjustment.None ? bars : ApplyAsync(bars, cancellationToken);

    private async IAsyncEnumerable<SymbolBar> ApplyAsync(IAsyncEnumerable<SymbolBar> bars, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? symbol = null;
        PriceAdjuster? adjuster = null;
        await foreach (var row in bars.WithCancellation(cancellationToken))
        {
            if (row.Symbol != symbol)
            {
                symbol = row.Symbol;
                // A fresh adjuster per symbol and file: it caches its last stretch and is not thread-safe, and two
                // files are written at once.
                adjuster = _adjusters.TryGetValue(symbol, out var found) && !found.IsIdentity ? found.Clone() : null;
            }

            yield return adjuster is null ? row : row with { Bar = adjuster.Apply(row.Bar, row.WrittenAt) };
        }
    }
}
