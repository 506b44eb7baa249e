using Npgsql;

namespace StockData.Storage.Postgres;

/// <summary>
/// Records per-symbol failures: a row in fetch_rejects, and the symbol's status (not_found, or failing with its last
/// error and a growing failure count). Failures never fault the pipeline; this is where they go.
/// </summary>
public sealed class RejectRecorder(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>Detail text is cut to this length: a malformed body's message must not bloat the table.</summary>
    public const int MaxDetailLength = 2000;

    public Task RecordAsync(string symbol, string? interval, string category, string? detail, long? jobItemId,
        CancellationToken cancellationToken) =>
        RecordAsync([new Reject(symbol, interval, category, detail, jobItemId)], cancellationToken);

    /// <summary>
    /// Records <paramref name="rejects"/> in one transaction and one round trip (the ingest pipeline's write stage hands
    /// over a batch's worth at once), in order: the same rows and counts as recording them one by one.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<Reject> rejects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejects);
        if (rejects.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var reject in rejects)
        {
            Add(batch, reject);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        batch.Transaction = transaction;
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private void Add(NpgsqlBatch batch, Reject reject)
    {
        var (symbol, interval, category, detail, jobItemId) = reject;
        detail = detail is { Length: > MaxDetailLength } ? detail[..MaxDetailLength] : detail;
        var status = category == "not_found" ? "not_found" : "failing";
        batch.BatchCommands.Add(Command("INSERT INTO sd_schema.fetch_rejects (symbol, interval, category, detail, job_item_id) VALUES ($1, $2, $3, $4, $5)",
            symbol, (object?)interval ?? DBNull.Value, category, (object?)detail ?? DBNull.Value, (object?)jobItemId ?? DBNull.Value));
        batch.BatchCommands.Add(Command("""
            INSERT INTO sd_schema.symbols (symbol, status, last_error) VALUES ($1, $2, $3)
            ON CONFLICT (symbol) DO UPDATE SET status = excluded.status, last_error = excluded.last_error, updated_at = now()
            """, symbol, status, $"{category}: {detail}"));
        if (interval is not null)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO sd_schema.symbol_intervals (symbol, interval, consecutive_failures, last_fetch_at) VALUES ($1, $2, 1, now())
                ON CONFLICT (symbol, interval) DO UPDATE
                SET consecutive_failures = symbol_intervals.consecutive_failures + 1, last_fetch_at = now()
                """, symbol, interval));
        }
    }

    private NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(schemaSql.Qualify(sql));
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}

/// <summary>One per-symbol failure to record (<see cref="RejectRecorder"/>).</summary>
/// <param name="Interval">The interval token, or null when the request never got that far.</param>
/// <param name="JobItemId">The job item the request came from, if any.</param>
public sealed record Reject(string Symbol, string? Interval, string Category, string? Detail, long? JobItemId);
