using Npgsql;
using NpgsqlTypes;
using StockData.Storage.Postgres.Universe;

namespace StockData.Storage.Postgres.Budget;

/// <summary>
/// Upstream requests sent, per egress, purpose and minute (table <c>upstream_requests</c>): every replica and CLI adds
/// its counts in batches, so the last 24 hours sum across replicas and survive restarts. PostgreSQL rather than Redis:
/// Redis here is the limiter's scratch space (a flush or an eviction loses it, and the limiter survives that by design),
/// while the spend is a record people read; a few upserts a minute per replica cost the store nothing.
/// </summary>
public sealed class RequestLedger(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>Adds counts; one statement for all of them.</summary>
    public async Task AddAsync(IReadOnlyCollection<(string Egress, string Purpose, DateTimeOffset Minute, long Requests)> counts,
        CancellationToken cancellationToken)
    {
        if (counts.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            INSERT INTO sd_schema.upstream_requests AS r (egress, purpose, minute, requests)
            SELECT u.egress, u.purpose, u.minute, u.requests FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[]) AS u(egress, purpose, minute, requests)
            ON CONFLICT (egress, purpose, minute) DO UPDATE SET requests = r.requests + excluded.requests
            """));
        command.Parameters.Add(ArrayParameter.Of(counts.Select(c => c.Egress), NpgsqlDbType.Text));
        command.Parameters.Add(ArrayParameter.Of(counts.Select(c => c.Purpose), NpgsqlDbType.Text));
        command.Parameters.Add(ArrayParameter.Of(counts.Select(c => c.Minute.UtcDateTime), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(ArrayParameter.Of(counts.Select(c => c.Requests), NpgsqlDbType.Bigint));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Requests per egress and purpose since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<(string Egress, string Purpose, long Requests)>> SpentAsync(DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT egress, purpose, sum(requests)::bigint FROM sd_schema.upstream_requests WHERE minute >= $1 GROUP BY 1, 2 ORDER BY 1, 2
            """));
        command.Parameters.Add(ScheduleLeases.Time(since));
        var rows = new List<(string, string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>Drops counts older than <paramref name="before"/>.</summary>
    public async Task PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("DELETE FROM sd_schema.upstream_requests WHERE minute < $1"));
        command.Parameters.Add(ScheduleLeases.Time(before));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The universe the daemon refreshes (symbol-intervals with a next fetch set), counted per interval.</summary>
    public async Task<IReadOnlyList<(string Interval, int SymbolIntervals)>> ScheduledAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT interval, count(*)::int FROM sd_schema.symbol_intervals WHERE next_fetch_at IS NOT NULL GROUP BY 1 ORDER BY 1"));
        var rows = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return rows;
    }
}
