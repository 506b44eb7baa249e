using System.Collections.Concurrent;
using Npgsql;
using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>
/// Reads watermarks for incremental fetching. A replay loads one interval's states in one query the first time it is
/// asked (5,000 symbols are one round trip, not 5,000); symbols absent from the table have no history yet.
/// </summary>
public sealed class SymbolStateReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    private readonly ConcurrentDictionary<string, Task<Dictionary<string, SymbolState>>> _byInterval = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the one row asked for, every time, instead of loading the interval's states once: for long-lived processes
    /// (the daemon, the HTTP refresh), where a cached watermark would be stale by the next cycle.
    /// </summary>
    public bool ReadsEachTime { get; init; }

    /// <summary>The state of <paramref name="symbol"/> as loaded for its interval (cached for this reader's life, unless <see cref="ReadsEachTime"/>).</summary>
    public async Task<SymbolState> GetAsync(string symbol, BarInterval interval, CancellationToken cancellationToken)
    {
        if (ReadsEachTime)
        {
            return await ReadOneAsync(symbol, interval.Token, cancellationToken);
        }

        var states = await _byInterval.GetOrAdd(interval.Token, token => LoadAsync(token, cancellationToken));
        return states.TryGetValue(symbol, out var state) ? state : default;
    }

    /// <summary>Drops the cache, so the next call reads the table again (e.g. before a second pass).</summary>
    public void Reset() => _byInterval.Clear();

    private async Task<SymbolState> ReadOneAsync(string symbol, string interval, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT watermark, full_refetch_pending FROM sd_schema.symbol_intervals WHERE symbol = @symbol AND interval = @interval"));
        command.Parameters.AddWithValue("symbol", symbol);
        command.Parameters.AddWithValue("interval", interval);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return default;
        }

        DateTimeOffset? watermark = reader.IsDBNull(0) ? null : new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero);
        return new SymbolState(watermark, reader.GetBoolean(1));
    }

    private async Task<Dictionary<string, SymbolState>> LoadAsync(string interval, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT symbol, watermark, full_refetch_pending FROM sd_schema.symbol_intervals WHERE interval = @interval"));
        command.Parameters.AddWithValue("interval", interval);
        var result = new Dictionary<string, SymbolState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTimeOffset? watermark = reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero);
            result[reader.GetString(0)] = new SymbolState(watermark, reader.GetBoolean(2));
        }

        return result;
    }
}
