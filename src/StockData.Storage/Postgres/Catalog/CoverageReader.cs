using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Catalog;

/// <summary>
/// Reads a page of the universe's coverage: one row per symbol_intervals row, with the stored range and row count.
/// </summary>
/// <remarks>
/// The page is chosen first (a MATERIALIZED CTE: the filters, the keyset and the LIMIT over symbol_intervals and
/// symbols), then each of its rows costs three index probes: the first and last bar by key, and the bar_counts row.
/// So a page costs the same whatever the store's size; nothing counts bars at read time (migration 0010 says why).
/// </remarks>
public sealed class CoverageReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    private const string Sql = """
        WITH page AS MATERIALIZED (
            SELECT si.symbol, si.interval, s.status, si.watermark, si.last_fetch_at, si.last_success_at, si.next_fetch_at,
                   si.consecutive_failures, si.full_refetch_pending
            FROM sd_schema.symbol_intervals si
            JOIN sd_schema.symbols s ON s.symbol = si.symbol
            WHERE ($1::text IS NULL OR si.symbol = $1)
              AND ($2::text IS NULL OR si.interval = $2)
              AND ($3::text IS NULL OR s.status = $3)
              AND ($4::boolean IS NULL OR (si.next_fetch_at IS NOT NULL) = $4)
              AND ($5::text IS NULL OR (si.symbol, si.interval) > ($5, $6::text))
            ORDER BY si.symbol, si.interval
            LIMIT $7)
        SELECT p.symbol, p.interval, p.status,
               CASE WHEN p.interval IN ('1d', '5d', '1wk', '1mo', '3mo')
                    THEN (SELECT b.trade_date FROM sd_schema.daily_bars b WHERE b.symbol = p.symbol AND b.interval = p.interval
                          ORDER BY b.trade_date LIMIT 1)
                    ELSE (SELECT b.trade_date FROM sd_schema.intraday_bars b WHERE b.symbol = p.symbol AND b.interval = p.interval
                          ORDER BY b.ts LIMIT 1) END,
               CASE WHEN p.interval IN ('1d', '5d', '1wk', '1mo', '3mo')
                    THEN (SELECT b.trade_date FROM sd_schema.daily_bars b WHERE b.symbol = p.symbol AND b.interval = p.interval
                          ORDER BY b.trade_date DESC LIMIT 1)
                    ELSE (SELECT b.trade_date FROM sd_schema.intraday_bars b WHERE b.symbol = p.symbol AND b.interval = p.interval
                          ORDER BY b.ts DESC LIMIT 1) END,
               COALESCE((SELECT c.rows FROM sd_schema.bar_counts c WHERE c.symbol = p.symbol AND c.interval = p.interval), 0),
               p.watermark, p.last_fetch_at, p.last_success_at, p.next_fetch_at, p.consecutive_failures, p.full_refetch_pending
        FROM page p
        ORDER BY p.symbol, p.interval
        """;

    public async Task<IReadOnlyList<CoverageRow>> ReadAsync(CoverageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(Sql));
        command.Parameters.Add(Text(query.Symbol));
        command.Parameters.Add(Text(query.Interval));
        command.Parameters.Add(Text(query.Status));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = query.Scheduled is { } s ? s : DBNull.Value });
        command.Parameters.Add(Text(query.After?.First));
        command.Parameters.Add(Text(query.After?.Second));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        var rows = new List<CoverageRow>(Math.Min(query.Limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CoverageRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                CatalogColumns.Date(reader, 3),
                CatalogColumns.Date(reader, 4),
                reader.GetInt64(5),
                CatalogColumns.Time(reader, 6),
                CatalogColumns.Time(reader, 7),
                CatalogColumns.Time(reader, 8),
                CatalogColumns.Time(reader, 9),
                reader.GetInt32(10),
                reader.GetBoolean(11)));
        }

        return rows;
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
