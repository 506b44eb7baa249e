using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Universe;

/// <summary>
/// Leases on the refresh schedule (<c>symbol_intervals</c>): a replica claims due rows with <c>FOR UPDATE SKIP LOCKED</c>,
/// so concurrent replicas never claim the same row, keeps them by renewing, and gives each back with its next fetch time.
/// </summary>
/// <remarks>
/// Every time is passed in from the caller's <see cref="TimeProvider"/> rather than read from the server's <c>now()</c>:
/// the schedule policy and the tests run on that clock. Replicas' clocks must agree to well within a third of the lease
/// duration (NTP does); a replica whose clock runs ahead sees other leases expire that much early.
/// Every statement that changes a leased row checks <c>lease_owner</c>, so a replica that lost a lease (it expired and
/// another took it over) can no longer move that row's schedule.
/// </remarks>
public sealed class ScheduleLeases(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows (next_fetch_at at or before <paramref name="now"/>) whose lease is
    /// free or expired, oldest due first. Rows another transaction holds locked are skipped, not waited for.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedInterval>> ClaimDueAsync(string owner, int limit, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken)
    {
        // The re-check of the WHERE clause under FOR UPDATE (READ COMMITTED's EvalPlanQual) is what makes this safe:
        // a row another replica released with a future next_fetch_at after this statement's snapshot no longer matches.
        const string sql = """
            WITH due AS (
                SELECT si.symbol, si.interval, si.lease_owner AS previous_owner
                FROM sd_schema.symbol_intervals si
                WHERE si.next_fetch_at <= $1 AND (si.lease_until IS NULL OR si.lease_until <= $1)
                ORDER BY si.next_fetch_at
                LIMIT $2
                FOR UPDATE OF si SKIP LOCKED)
            UPDATE sd_schema.symbol_intervals si SET lease_owner = $3, lease_until = $4
            FROM due
            WHERE si.symbol = due.symbol AND si.interval = due.interval
            RETURNING si.symbol, si.interval, due.previous_owner,
                      (SELECT s.exchange_timezone FROM sd_schema.symbols s WHERE s.symbol = si.symbol)
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(Time(leaseUntil));
        var claimed = new List<ClaimedInterval>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedInterval(reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return claimed;
    }

    /// <summary>Extends the leases <paramref name="owner"/> still holds on <paramref name="keys"/>; returns those it still held.</summary>
    public async Task<IReadOnlySet<(string Symbol, string Interval)>> RenewAsync(string owner, IReadOnlyCollection<(string Symbol, string Interval)> keys,
        DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var renewed = new HashSet<(string, string)>();
        if (keys.Count == 0)
        {
            return renewed;
        }

        const string sql = """
            UPDATE sd_schema.symbol_intervals si SET lease_until = $3
            FROM unnest($1::text[], $2::text[]) AS k(symbol, interval)
            WHERE si.symbol = k.symbol AND si.interval = k.interval AND si.lease_owner = $4
            RETURNING si.symbol, si.interval
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Symbol).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Interval).ToArray() });
        command.Parameters.Add(Time(leaseUntil));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            renewed.Add((reader.GetString(0), reader.GetString(1)));
        }

        return renewed;
    }

    /// <summary>The row's consecutive failure count (0 when the row is gone).</summary>
    public async Task<int> FailuresAsync(string symbol, string interval, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT consecutive_failures FROM sd_schema.symbol_intervals WHERE symbol = $1 AND interval = $2"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval });
        return await command.ExecuteScalarAsync(cancellationToken) is int failures ? failures : 0;
    }

    /// <summary>
    /// Gives a leased row back with its next fetch time (unless it was taken off the schedule meanwhile). A success
    /// resets the failure count and the symbol's status to active; <paramref name="countFailure"/> adds a failure the
    /// reject recorder did not count (a fetch that committed without moving its watermark). False when the lease was lost.
    /// </summary>
    public async Task<bool> ReleaseAsync(string owner, string symbol, string interval, DateTimeOffset nextFetchAt, bool succeeded,
        bool countFailure, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string release = """
            UPDATE sd_schema.symbol_intervals SET
                next_fetch_at = CASE WHEN next_fetch_at IS NULL THEN NULL ELSE $4 END,
                lease_owner = NULL, lease_until = NULL, last_fetch_at = $5,
                consecutive_failures = CASE WHEN $6 THEN 0 WHEN $7 THEN consecutive_failures + 1 ELSE consecutive_failures END
            WHERE symbol = $1 AND interval = $2 AND lease_owner = $3
            """;
        await using var batch = dataSource.CreateBatch();
        var command = new NpgsqlBatchCommand(schemaSql.Qualify(release));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(Time(nextFetchAt));
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = succeeded });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = countFailure });
        batch.BatchCommands.Add(command);
        if (succeeded)
        {
            batch.BatchCommands.Add(ActiveAgain(symbol));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return command.RecordsAffected == 1;
    }

    /// <summary>
    /// After a job or an HTTP refresh brought a scheduled symbol up to date: pushes its next fetch to
    /// <paramref name="nextFetchAt"/> (never earlier) unless a replica leases it, and marks the symbol active again.
    /// </summary>
    public async Task RescheduleAfterFetchAsync(string symbol, string interval, DateTimeOffset nextFetchAt, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE sd_schema.symbol_intervals SET next_fetch_at = $3, consecutive_failures = 0
            WHERE symbol = $1 AND interval = $2 AND next_fetch_at IS NOT NULL AND next_fetch_at < $3
              AND (lease_owner IS NULL OR lease_until <= $4)
            """;
        await using var batch = dataSource.CreateBatch();
        var command = new NpgsqlBatchCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval });
        command.Parameters.Add(Time(nextFetchAt));
        command.Parameters.Add(Time(now));
        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(ActiveAgain(symbol));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Gives back every lease <paramref name="owner"/> holds, due at once for the other replicas (lease_until = now, no
    /// owner, so the next claim is not counted as a takeover). For a graceful stop, and at start for leases a previous
    /// process with the same replica id left behind.
    /// </summary>
    public async Task<int> ReleaseAllAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("UPDATE sd_schema.symbol_intervals SET lease_owner = NULL, lease_until = $2 WHERE lease_owner = $1"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlBatchCommand ActiveAgain(string symbol)
    {
        var command = new NpgsqlBatchCommand(
            schemaSql.Qualify("UPDATE sd_schema.symbols SET status = 'active', last_error = NULL, updated_at = now() WHERE symbol = $1 AND status <> 'active'"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        return command;
    }

    internal static NpgsqlParameter<DateTimeOffset> Time(DateTimeOffset value) =>
        new() { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
