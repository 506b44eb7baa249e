using Npgsql;

namespace StockData.Storage.Postgres.Catalog;

/// <summary>Reads one symbol's <see cref="SymbolDetail"/>.</summary>
public sealed class SymbolDetailReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>The symbol's row, or null when the store does not know it.</summary>
    public async Task<SymbolDetail?> ReadAsync(string symbol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT symbol, currency, instrument_type, exchange_name, exchange_timezone, first_trade_date, status, last_error,
                   added_at, updated_at
            FROM sd_schema.symbols WHERE symbol = $1
            """));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SymbolDetail(
            reader.GetString(0),
            CatalogColumns.Text(reader, 1),
            CatalogColumns.Text(reader, 2),
            CatalogColumns.Text(reader, 3),
            CatalogColumns.Text(reader, 4),
            CatalogColumns.Time(reader, 5),
            reader.GetString(6),
            CatalogColumns.Text(reader, 7),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.GetFieldValue<DateTimeOffset>(9));
    }
}
