using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.Upstream.Caching;

/// <summary>
/// Symbol metadata (currency, instrument type, exchange, zone) in the bounded in-process LRU
/// (<c>cache="symbol_metadata"</c>), read by the bars endpoints for every response. The ingest pipeline fills it from
/// every parsed response, for free; look-ups that miss are read from PostgreSQL in one query for the whole request.
/// Once warm, a bars request issues no metadata query.
/// </summary>
/// <remarks>
/// An entry answers for <see cref="ResponseCacheOptions.MetadataTtl"/>, then is read again: other processes write
/// metadata too (other replicas' ingest), and nothing tells this one. Symbols the store does not know are not
/// remembered (a later ingest may add them).
/// </remarks>
public sealed class SymbolMetadataCache
{
    public const string CacheLabel = "symbol_metadata";

    private readonly SymbolMetadataReader _reader;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly LruCache<string, Entry> _lru;

    public SymbolMetadataCache(SymbolMetadataReader reader, IOptions<ResponseCacheOptions> options, TimeProvider time)
    {
        _reader = reader;
        _time = time;
        _ttl = options.Value.MetadataTtl;
        _lru = new LruCache<string, Entry>(CacheLabel, options.Value.MetadataCapacity, StringComparer.Ordinal,
            entry => _time.GetUtcNow() < entry.FreshUntil);
    }

    public int Count => _lru.Count;

    /// <summary>Remembers what a response said about <paramref name="symbol"/> (newer metadata replaces older).</summary>
    public void Remember(string symbol, SymbolMetadata metadata) => _lru.Set(symbol, new Entry(metadata, _time.GetUtcNow() + _ttl));

    public bool TryGet(string symbol, out SymbolMetadata metadata)
    {
        var found = _lru.TryGet(symbol, out var entry);
        metadata = entry.Metadata;
        return found;
    }

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

            if (TryGet(symbol, out var metadata))
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
            foreach (var (symbol, metadata) in await _reader.GetAsync(missing, cancellationToken))
            {
                Remember(symbol, metadata);
                found[symbol] = metadata;
            }
        }

        return found;
    }

    private readonly record struct Entry(SymbolMetadata Metadata, DateTimeOffset FreshUntil);
}
