using System.Runtime.CompilerServices;
using Npgsql;

namespace StockData.Storage.Postgres.Universe;

/// <summary>
/// The universe the daemon refreshes: symbol-intervals whose <c>next_fetch_at</c> is set (migration 0003). Adding puts
/// a row on the schedule, due at once; removing takes it off and keeps its watermark and bars, so adding it back resumes
/// incrementally instead of fetching the whole history again.
/// </summary>
public sealed class SymbolUniverse(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>Rows per statement: a 5,000-line import is a handful of round trips.</summary>
    private const int ChunkSize = 1000;

    /// <summary>Schedules each (symbol, interval), due at <paramref name="now"/>; one transaction for the whole list.</summary>
    public async Task<UniverseAddResult> AddAsync(IReadOnlyList<(string Symbol, string Interval)> entries, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        const string symbols = "INSERT INTO sd_schema.symbols (symbol) SELECT DISTINCT unnest($1::text[]) ORDER BY 1 ON CONFLICT (symbol) DO NOTHING";
        // xmax = 0 tells an inserted row from an updated one; rows already scheduled are neither (the WHERE skips them).
        const string schedule = """
            INSERT INTO sd_schema.symbol_intervals AS si (symbol, interval, next_fetch_at)
            SELECT DISTINCT u.symbol, u.interval, $3::timestamptz FROM unnest($1::text[], $2::text[]) AS u(symbol, interval) ORDER BY 1, 2
            ON CONFLICT (symbol, interval) DO UPDATE SET next_fetch_at = EXCLUDED.next_fetch_at
            WHERE si.next_fetch_at IS NULL
            RETURNING si.xmax = 0
            """;
        int added = 0, rescheduled = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in entries.Chunk(ChunkSize))
        {
            var names = chunk.Select(e => e.Symbol).ToArray();
            await using (var insert = new NpgsqlCommand(schemaSql.Qualify(symbols), connection, transaction))
            {
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var command = new NpgsqlCommand(schemaSql.Qualify(schedule), connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk.Select(e => e.Interval).ToArray() });
            command.Parameters.Add(ScheduleLeases.Time(now));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(0))
                {
                    added++;
                }
                else
                {
                    rescheduled++;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new UniverseAddResult(added, rescheduled, entries.Count - added - rescheduled);
    }

    /// <summary>
    /// Takes the symbols off the schedule (every interval, or only <paramref name="interval"/>); returns the
    /// symbol-intervals removed. A fetch in flight finishes; its release leaves the row unscheduled.
    /// </summary>
    public async Task<IReadOnlyList<(string Symbol, string Interval)>> RemoveAsync(IReadOnlyList<string> symbols, string? interval,
        CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE sd_schema.symbol_intervals SET next_fetch_at = NULL
            WHERE symbol = ANY($1) AND ($2::text IS NULL OR interval = $2) AND next_fetch_at IS NOT NULL
            RETURNING symbol, interval
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = symbols.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)interval ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var removed = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            removed.Add((reader.GetString(0), reader.GetString(1)));
        }

        return removed;
    }

    /// <summary>
    /// Streams the scheduled symbol-intervals (with <paramref name="includeUnscheduled"/>, every one the store knows),
    /// optionally of one symbol status, ordered by symbol and interval.
    /// </summary>
    public async IAsyncEnumerable<UniverseEntry> ListAsync(string? status, bool includeUnscheduled,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT si.symbol, si.interval, s.status, si.next_fetch_at, si.watermark, si.lease_owner, si.lease_until,
                   si.consecutive_failures, s.last_error, s.exchange_timezone
            FROM sd_schema.symbol_intervals si JOIN sd_schema.symbols s ON s.symbol = si.symbol
            WHERE ($1::text IS NULL OR s.status = $1) AND ($2 OR si.next_fetch_at IS NOT NULL)
            ORDER BY si.symbol, si.interval
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = includeUnscheduled });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new UniverseEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9));
        }
    }
}
