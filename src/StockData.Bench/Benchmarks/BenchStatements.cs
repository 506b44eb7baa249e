using Npgsql;
using StockData.Storage.Postgres;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// The writer benchmarks' own statements against their scratch schema (every one names it through
/// <see cref="SchemaSql"/>), the checkpoint before a timed pass, and the timing of a pass.
/// </summary>
internal sealed class BenchStatements(NpgsqlDataSource dataSource, SchemaSql schemaSql, TimeProvider timeProvider)
{
    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // The benchmarks' constant statements.
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // The benchmarks' constant statements.
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
#pragma warning restore CA2100
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A checkpoint, so each timed pass starts with clean buffers rather than the previous pass's writes.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        try
        {
            await ExecuteAsync("CHECKPOINT", ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // CHECKPOINT needs superuser or pg_checkpoint: without it the passes just start with dirtier buffers; the
            // figures stay comparable within the run.
        }
    }

    public async Task<TimeSpan> TimeAsync(Func<Task> pass)
    {
        var start = timeProvider.GetTimestamp();
        await pass();
        return timeProvider.GetElapsedTime(start);
    }
}
