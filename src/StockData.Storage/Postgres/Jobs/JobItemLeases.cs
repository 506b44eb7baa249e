using Npgsql;
using StockData.Storage.Postgres.Universe;

namespace StockData.Storage.Postgres.Jobs;

/// <summary>
/// Leases on fetch job items: claimed with <c>FOR UPDATE SKIP LOCKED</c> in priority order, renewed while they run,
/// finished once. A job is finished by whichever replica finishes its last item. Times come from the caller's clock,
/// as for <see cref="ScheduleLeases"/>.
/// </summary>
public sealed class JobItemLeases(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>
    /// An item handed back (its replica stopped or died) whose job was cancelled meanwhile is dropped, not made pending:
    /// a cancelled job's unfinished items must never be fetched again.
    /// </summary>
    private const string CancelledJob = "EXISTS (SELECT 1 FROM sd_schema.fetch_jobs j WHERE j.id = fetch_job_items.job_id AND j.status = 'cancelled')";

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending items with a priority in [<paramref name="minPriority"/>,
    /// <paramref name="maxPriority"/>], highest priority first, then oldest; their jobs become running.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedJobItem>> ClaimAsync(string owner, JobPriority minPriority, JobPriority maxPriority, int limit,
        DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH next AS (
                SELECT i.id FROM sd_schema.fetch_job_items i
                WHERE i.status = 'pending' AND i.priority BETWEEN $1 AND $2
                ORDER BY i.priority DESC, i.id
                LIMIT $3
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE sd_schema.fetch_job_items i SET status = 'running', lease_owner = $4, lease_until = $5, attempts = i.attempts + 1, updated_at = $6
                FROM next WHERE i.id = next.id
                RETURNING i.id, i.job_id, i.symbol, i.interval, i.range_from, i.range_to, i.priority, i.purpose),
            started AS (
                UPDATE sd_schema.fetch_jobs j SET status = 'running', updated_at = $6
                WHERE j.id IN (SELECT job_id FROM claimed) AND j.status = 'pending')
            SELECT * FROM claimed ORDER BY priority DESC, id
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)minPriority });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)maxPriority });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(ScheduleLeases.Time(leaseUntil));
        command.Parameters.Add(ScheduleLeases.Time(now));
        var claimed = new List<ClaimedJobItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedJobItem(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                (JobPriority)reader.GetInt16(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return claimed;
    }

    /// <summary>
    /// Hands out again the running items whose lease expired (their replica died): back to pending, or failed as
    /// <c>abandoned</c> once they have been tried <paramref name="maxAttempts"/> times, so an item that kills its worker
    /// cannot take the fleet down one replica at a time. Returns how many leases were taken over.
    /// </summary>
    public async Task<int> ReclaimExpiredAsync(DateTimeOffset now, int maxAttempts, CancellationToken cancellationToken)
    {
        const string sql = $"""
            UPDATE sd_schema.fetch_job_items SET
                status = CASE WHEN attempts >= $2 THEN 'failed' WHEN {CancelledJob} THEN 'cancelled' ELSE 'pending' END,
                error_category = CASE WHEN attempts >= $2 THEN 'abandoned' ELSE error_category END,
                error_detail = CASE WHEN attempts >= $2 THEN 'its worker stopped renewing the lease ' || attempts || ' times'
                                    ELSE error_detail END,
                lease_owner = NULL, lease_until = NULL, updated_at = $1
            WHERE status = 'running' AND lease_until <= $1
            RETURNING job_id, status
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(ScheduleLeases.Time(now));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxAttempts });
        var reclaimed = 0;
        var abandonedJobs = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                reclaimed++;
                if (reader.GetString(1) == "failed")
                {
                    abandonedJobs.Add(reader.GetInt64(0));
                }
            }
        }

        foreach (var job in abandonedJobs)
        {
            await FinishJobIfCompleteAsync(job, now, cancellationToken);
        }

        return reclaimed;
    }

    /// <summary>Extends the leases <paramref name="owner"/> still holds on running items; returns the ids it still held.</summary>
    public async Task<IReadOnlySet<long>> RenewAsync(string owner, IReadOnlyCollection<long> ids, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken)
    {
        var renewed = new HashSet<long>();
        if (ids.Count == 0)
        {
            return renewed;
        }

        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("UPDATE sd_schema.fetch_job_items SET lease_until = $2 WHERE id = ANY($1) AND lease_owner = $3 AND status = 'running' RETURNING id"));
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids.ToArray() });
        command.Parameters.Add(ScheduleLeases.Time(leaseUntil));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            renewed.Add(reader.GetInt64(0));
        }

        return renewed;
    }

    /// <summary>
    /// Records an item's outcome (done, or failed with its category) if <paramref name="owner"/> still runs it (not
    /// cancelled, not taken over), then finishes the job when it was the last. Returns the item's job, or null when the
    /// item was no longer ours.
    /// </summary>
    public async Task<long?> FinishAsync(string owner, long itemId, bool succeeded, string? category, string? detail,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        detail = detail is { Length: > RejectRecorder.MaxDetailLength } ? detail[..RejectRecorder.MaxDetailLength] : detail;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            UPDATE sd_schema.fetch_job_items SET status = $3, error_category = $4, error_detail = $5, lease_owner = NULL, lease_until = NULL,
                updated_at = $6
            WHERE id = $1 AND lease_owner = $2 AND status = 'running'
            RETURNING job_id
            """));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = itemId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = succeeded ? "done" : "failed" });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)category ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)detail ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(ScheduleLeases.Time(now));
        if (await command.ExecuteScalarAsync(cancellationToken) is not long jobId)
        {
            return null;
        }

        // A separate statement, after the item's commit: of two replicas finishing a job's last two items at once, the
        // one whose check runs last runs it after both commits, so it sees no item left and finishes the job.
        await FinishJobIfCompleteAsync(jobId, now, cancellationToken);
        return jobId;
    }

    /// <summary>Puts every item <paramref name="owner"/> runs back to pending (a graceful stop: the attempt does not count).</summary>
    public async Task<int> ReleaseAllAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify($"""
            UPDATE sd_schema.fetch_job_items SET status = CASE WHEN {CancelledJob} THEN 'cancelled' ELSE 'pending' END, lease_owner = NULL, lease_until = NULL,
                attempts = greatest(attempts - 1, 0), updated_at = $2
            WHERE lease_owner = $1 AND status = 'running'
            """));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(ScheduleLeases.Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task FinishJobIfCompleteAsync(long jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            UPDATE sd_schema.fetch_jobs j SET
                status = CASE WHEN EXISTS (SELECT 1 FROM sd_schema.fetch_job_items i WHERE i.job_id = j.id AND i.status = 'failed')
                              THEN 'failed' ELSE 'done' END,
                finished_at = $2, updated_at = $2
            WHERE j.id = $1 AND j.status IN ('pending', 'running')
              AND NOT EXISTS (SELECT 1 FROM sd_schema.fetch_job_items i WHERE i.job_id = j.id AND i.status IN ('pending', 'running'))
            """));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = jobId });
        command.Parameters.Add(ScheduleLeases.Time(now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
