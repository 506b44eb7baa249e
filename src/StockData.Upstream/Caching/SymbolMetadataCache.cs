using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.Upstream.Caching;

/// <summary>
/// Symbol metadata (currency, exchange, zone, session end) in the bounded LRU (<c>cache="symbol_metadata"</c>). The
/// ingest pipeline fills it from every parsed response, for free; look-ups that miss are read from PostgreSQL in one
/// query for the whole batch. Once warm, a scheduling cycle issues no per-symbol metadata query.
/// </summary>
/// <remarks>
/// Hook for the scheduler (daemon branch): call <see cref="GetManyAsync"/> with a cycle's symbols (one query for the
/// misses, none when warm), or <see cref="TryGet"/> for one symbol without I/O.
/// </remarks>
public sealed class SymbolMetadataCache(SymbolMetadataReader reader, IOptions<ResponseCacheOptions> options)
{
    public const string CacheLabel = "symbol_metadata";

    private readonly LruCache<string, SymbolMetadata> _lru = new(CacheLabel, options.Value.MetadataCapacity, StringComparer.Ordinal);

    public int Count => _lru.Count;

    /// <summary>Remembers what a response said about <paramref name="symbol"/> (newer metadata replaces older).</summary>
    public void Remember(string symbol, SymbolMetadata metadata) => _lru.Set(symbol, metadata);

    public bool TryGet(string symbol, out SymbolMetadata metadata) => _lru.TryGet(symbol, out metadata);

    /// <summary>
    /// The metadata of <paramref name="symbols"/>: hits from memory, the misses in one query (and remembered). Symbols
    /// the store does not know are absent from the result.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SymbolMetadata>> GetManyAsync(IEnumerable<string> symbols, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SymbolMetadata>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            if (found.ContainsKey(symbol) || missing.Contains(symbol))
            {
                continue;
            }

            if (_lru.TryGet(symbol, out var metadata))
            {
                found[symbol] = metadata;
            }
            else
            {
                missing.Add(symbol);
            }
        }

        if (missing.Count > 0)
        {
            foreach (var (symbol, metadata) in await reader.GetAsync(missing, cancellationToken))
            {
                _lru.Set(symbol, metadata);
                found[symbol] = metadata;
            }
        }

        return found;
    }
}
