using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>Reads the stored metadata (currency, exchange, zone, first trade) of many symbols in one query.</summary>
public sealed class SymbolMetadataReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>The metadata of those of <paramref name="symbols"/> the store knows; unknown ones are absent.</summary>
    public async Task<Dictionary<string, SymbolMetadata>> GetAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, SymbolMetadata>(StringComparer.Ordinal);
        if (symbols.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT symbol, currency, instrument_type, exchange_name, exchange_timezone, first_trade_date FROM sd_schema.symbols WHERE symbol = ANY(@symbols)"));
        command.Parameters.Add(new NpgsqlParameter("symbols", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = symbols.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = new SymbolMetadata(
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero),
                null,
                null);
        }

        return result;
    }
}
