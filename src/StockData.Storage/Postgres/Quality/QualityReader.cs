using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Quality;

/// <summary>Reads the quality tables for the report verb and the gauges.</summary>
public sealed class QualityReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>Every symbol with a finding, optionally one symbol or one exchange (by name, any case), ordered by symbol.</summary>
    public async Task<IReadOnlyList<QualityReportRow>> ReportAsync(string? symbol, string? exchange, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH g AS (SELECT symbol, count(*)::int AS found,
                              count(*) FILTER (WHERE status = 'repaired')::int AS repaired,
                              count(*) FILTER (WHERE status = 'confirmed_missing')::int AS confirmed,
                              count(*) FILTER (WHERE status IN ('open', 'repairing'))::int AS pending,
                              count(*) FILTER (WHERE status = 'confirmed_missing' AND reason = $3)::int AS no_data
                       FROM sd_schema.quality_gaps GROUP BY symbol),
                 q AS (SELECT symbol, count(*)::int AS suspicious FROM sd_schema.quality_suspicious GROUP BY symbol),
                 r AS (SELECT coalesce(g.symbol, q.symbol) AS symbol, coalesce(g.found, 0) AS found, coalesce(g.repaired, 0) AS repaired,
                              coalesce(g.confirmed, 0) AS confirmed, coalesce(g.pending, 0) AS pending, coalesce(q.suspicious, 0) AS suspicious,
                              coalesce(g.no_data, 0) AS no_data
                       FROM g FULL JOIN q ON q.symbol = g.symbol)
            SELECT r.symbol, coalesce(s.exchange_name, ''), coalesce(s.exchange_timezone, ''), r.found, r.repaired, r.confirmed, r.pending, r.suspicious, r.no_data
            FROM r LEFT JOIN sd_schema.symbols s ON s.symbol = r.symbol
            WHERE ($1::text IS NULL OR r.symbol = $1) AND ($2::text IS NULL OR lower(s.exchange_name) = lower($2))
            ORDER BY r.symbol
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)symbol ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)exchange ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = QualityScanSql.NoDataReason, NpgsqlDbType = NpgsqlDbType.Text });
        var rows = new List<QualityReportRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QualityReportRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8)));
        }

        return rows;
    }

    /// <summary>Gaps by kind and status, suspicious responses by status (small tables: grouped whole).</summary>
    public async Task<QualityCounts> CountsAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify("SELECT kind, status, count(*)::int FROM sd_schema.quality_gaps GROUP BY 1, 2")));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify("SELECT status, count(*)::int FROM sd_schema.quality_suspicious GROUP BY 1")));
        var gaps = new Dictionary<(string, string), int>();
        var suspicious = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            gaps[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            suspicious[reader.GetString(0)] = reader.GetInt32(1);
        }

        return new QualityCounts(gaps, suspicious);
    }

    /// <summary>Repair items (priority low) waiting and being fetched, whoever runs them.</summary>
    public async Task<(int Pending, int Running)> RepairItemsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT count(*) FILTER (WHERE status = 'pending')::int, count(*) FILTER (WHERE status = 'running')::int
            FROM sd_schema.fetch_job_items WHERE priority = 0 AND status IN ('pending', 'running')
            """));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
