using Npgsql;

namespace StockData.Storage.Postgres.Universe;

/// <summary>Reads <see cref="StoreCounts"/> in one round trip.</summary>
public sealed class StoreCountsReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    public async Task<StoreCounts> ReadAsync(DateTimeOffset now, DateTimeOffset overdueBefore, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify("""
            SELECT s.status, count(*) FROM sd_schema.symbols s
            WHERE EXISTS (SELECT 1 FROM sd_schema.symbol_intervals si WHERE si.symbol = s.symbol AND si.next_fetch_at IS NOT NULL)
            GROUP BY s.status
            """)));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify("SELECT status, count(*) FROM sd_schema.fetch_job_items GROUP BY status")));
        var due = new NpgsqlBatchCommand(schemaSql.Qualify("""
            SELECT count(*) FILTER (WHERE next_fetch_at <= $1), count(*) FILTER (WHERE next_fetch_at <= $2)
            FROM sd_schema.symbol_intervals WHERE next_fetch_at <= $1
            """));
        due.Parameters.Add(ScheduleLeases.Time(now));
        due.Parameters.Add(ScheduleLeases.Time(overdueBefore));
        batch.BatchCommands.Add(due);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var symbols = await ReadGroupsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var items = await ReadGroupsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new StoreCounts(symbols, items, reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<Dictionary<string, long>> ReadGroupsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
