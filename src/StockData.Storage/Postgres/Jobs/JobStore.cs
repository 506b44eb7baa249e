using Npgsql;
using NpgsqlTypes;
using StockData.Storage.Postgres.Universe;

namespace StockData.Storage.Postgres.Jobs;

/// <summary>
/// Fetch jobs: submitted lists of symbol-intervals (with a range and a priority) that running workers pick up item by
/// item (<see cref="JobItemLeases"/>). Shared by the <c>jobs</c> verbs and the HTTP API, so both show the same thing.
/// </summary>
public sealed class JobStore(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    private const int ChunkSize = 1000;

    private const string JobColumns = "j.id, j.status, j.priority, j.interval, j.range_from, j.range_to, j.total, j.created_at, j.updated_at, j.finished_at";

    /// <summary>Records a job and its items in one transaction; returns its id. Duplicate symbol-intervals count once.</summary>
    public async Task<long> CreateAsync(JobSpec spec, IReadOnlyList<NewJobItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            throw new ArgumentException("A job needs at least one item.", nameof(items));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        await using (var job = new NpgsqlCommand(
                         schemaSql.Qualify("INSERT INTO sd_schema.fetch_jobs (priority, interval, range_from, range_to) VALUES ($1, $2, $3, $4) RETURNING id"),
                         connection, transaction))
        {
            job.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)spec.Priority });
            job.Parameters.Add(new NpgsqlParameter<string> { TypedValue = spec.Interval });
            job.Parameters.Add(NullableTime(spec.From));
            job.Parameters.Add(NullableTime(spec.To));
            id = (long)(await job.ExecuteScalarAsync(cancellationToken))!;
        }

        var total = 0;
        foreach (var chunk in items.Chunk(ChunkSize))
        {
            await using var insert = new NpgsqlCommand(schemaSql.Qualify("""
                INSERT INTO sd_schema.fetch_job_items (job_id, symbol, interval, range_from, range_to, priority)
                SELECT $1, u.symbol, u.interval, u.range_from, u.range_to, $2
                FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) AS u(symbol, interval, range_from, range_to)
                ON CONFLICT (job_id, symbol, interval) DO NOTHING
                """), connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)spec.Priority });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk.Select(i => i.Symbol).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk.Select(i => i.Interval).ToArray() });
            insert.Parameters.Add(TimeArray(chunk.Select(i => i.From)));
            insert.Parameters.Add(TimeArray(chunk.Select(i => i.To)));
            total += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var count = new NpgsqlCommand(schemaSql.Qualify("UPDATE sd_schema.fetch_jobs SET total = $2 WHERE id = $1"), connection, transaction))
        {
            count.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            count.Parameters.Add(new NpgsqlParameter<int> { TypedValue = total });
            await count.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>The job with its item counts and failures by category; null when there is no such job.</summary>
    public async Task<JobView?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command($"SELECT {JobColumns} FROM sd_schema.fetch_jobs j WHERE j.id = $1", id));
        batch.BatchCommands.Add(Command("SELECT status, count(*)::int FROM sd_schema.fetch_job_items WHERE job_id = $1 GROUP BY status", id));
        batch.BatchCommands.Add(Command("""
            SELECT coalesce(error_category, 'unknown'), count(*)::int FROM sd_schema.fetch_job_items
            WHERE job_id = $1 AND status = 'failed' GROUP BY 1 ORDER BY 1
            """, id));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var job = ReadJob(reader, new Dictionary<string, int>(), new Dictionary<string, int>());
        await reader.NextResultAsync(cancellationToken);
        var byStatus = await ReadCountsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var failures = await ReadCountsAsync(reader, cancellationToken);
        return job with { ItemsByStatus = byStatus, FailuresByCategory = failures };
    }

    /// <summary>The newest jobs first (optionally of one status), with their item counts.</summary>
    public async Task<IReadOnlyList<JobView>> ListAsync(string? status, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {JobColumns}, c.pending, c.running, c.done, c.failed, c.cancelled
            FROM sd_schema.fetch_jobs j
            CROSS JOIN LATERAL (
                SELECT count(*) FILTER (WHERE i.status = 'pending')::int AS pending,
                       count(*) FILTER (WHERE i.status = 'running')::int AS running,
                       count(*) FILTER (WHERE i.status = 'done')::int AS done,
                       count(*) FILTER (WHERE i.status = 'failed')::int AS failed,
                       count(*) FILTER (WHERE i.status = 'cancelled')::int AS cancelled
                FROM sd_schema.fetch_job_items i WHERE i.job_id = j.id) c
            WHERE ($1::text IS NULL OR j.status = $1)
            ORDER BY j.id DESC
            LIMIT $2
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var jobs = new List<JobView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < JobView.ItemStatuses.Count; i++)
            {
                counts[JobView.ItemStatuses[i]] = reader.GetInt32(10 + i);
            }

            jobs.Add(ReadJob(reader, counts, new Dictionary<string, int>()));
        }

        await reader.DisposeAsync();
        return await WithFailuresAsync(jobs, cancellationToken);
    }

    /// <summary>The listed jobs with their failures by category (one query for all of them).</summary>
    private async Task<IReadOnlyList<JobView>> WithFailuresAsync(List<JobView> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return jobs;
        }

        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT job_id, coalesce(error_category, 'unknown'), count(*)::int FROM sd_schema.fetch_job_items
            WHERE job_id = ANY($1) AND status = 'failed' GROUP BY 1, 2
            """));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = jobs.Select(j => j.Id).ToArray() });
        var failures = new Dictionary<long, Dictionary<string, int>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (!failures.TryGetValue(id, out var byCategory))
            {
                failures[id] = byCategory = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            byCategory[reader.GetString(1)] = reader.GetInt32(2);
        }

        return jobs.Select(j => failures.TryGetValue(j.Id, out var f) ? j with { FailuresByCategory = f } : j).ToList();
    }

    /// <summary>
    /// Cancels a pending or running job: its pending items are dropped (cancelled, never fetched); the ones in flight
    /// finish and record their own outcome (done or failed), since their fetch commits its rows anyway and a count of
    /// "cancelled" would hide data that did land. The job shows <c>cancelled</c> from now on: finishing its last item
    /// does not change that (<see cref="JobItemLeases"/> only finishes pending or running jobs).
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var job = new NpgsqlCommand(schemaSql.Qualify("""
                         UPDATE sd_schema.fetch_jobs SET status = 'cancelled', finished_at = $2, updated_at = $2
                         WHERE id = $1 AND status IN ('pending', 'running')
                         """), connection, transaction))
        {
            job.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            job.Parameters.Add(ScheduleLeases.Time(now));
            if (await job.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await using var exists = new NpgsqlCommand(schemaSql.Qualify("SELECT 1 FROM sd_schema.fetch_jobs WHERE id = $1"), connection, transaction);
                exists.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                return await exists.ExecuteScalarAsync(cancellationToken) is null ? CancelOutcome.NotFound : CancelOutcome.AlreadyFinished;
            }
        }

        await using (var items = new NpgsqlCommand(schemaSql.Qualify("""
                         UPDATE sd_schema.fetch_job_items SET status = 'cancelled', updated_at = $2
                         WHERE job_id = $1 AND status = 'pending'
                         """), connection, transaction))
        {
            items.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            items.Parameters.Add(ScheduleLeases.Time(now));
            await items.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return CancelOutcome.Cancelled;
    }

    private static JobView ReadJob(NpgsqlDataReader reader, Dictionary<string, int> byStatus, Dictionary<string, int> failures) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        (JobPriority)reader.GetInt16(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetInt32(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        byStatus,
        failures);

    private static async Task<Dictionary<string, int>> ReadCountsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    private NpgsqlBatchCommand Command(string sql, long id)
    {
        var command = new NpgsqlBatchCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return command;
    }

    private static NpgsqlParameter NullableTime(DateTimeOffset? value) => new()
    {
        Value = value is { } v ? v.ToUniversalTime() : DBNull.Value,
        NpgsqlDbType = NpgsqlDbType.TimestampTz,
    };

    private static NpgsqlParameter TimeArray(IEnumerable<DateTimeOffset?> values) => new()
    {
        Value = values.Select(v => v?.ToUniversalTime()).ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
    };
}
