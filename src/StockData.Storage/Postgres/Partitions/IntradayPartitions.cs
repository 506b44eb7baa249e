using System.IO.Hashing;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Partitions;

/// <summary>
/// The month partitions of intraday_bars (migration 0011: LIST by interval, then RANGE by month of ts, in UTC): created
/// ahead and behind, the DEFAULT partitions emptied into new month partitions, expired months dropped. The DDL lives in
/// the migrations' functions (<c>intraday_partition_ensure</c>, <c>intraday_partition_drop</c>), so every partition
/// name is built in one place and this class only passes parameters; since migration 0012 that function creates each
/// month partition with the leaves' fillfactor (<c>intraday_leaf_fillfactor()</c>: room on every page for in-place
/// rewrites of changed bars).
/// </summary>
/// <remarks>
/// Several replicas run this at once: each transaction takes one advisory lock per schema first, so they queue, and the
/// functions re-check under the interval's table lock. <c>lock_timeout</c> bounds the wait for that lock: a long read
/// (an export streaming a month of 1m bars) must not leave a queued ACCESS EXCLUSIVE request blocking every other
/// reader and writer of the interval behind it; the next run tries again.
/// </remarks>
public sealed class IntradayPartitions(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    /// <summary>The partitioned intervals (intraday_bars' CHECK constraint).</summary>
    public static IReadOnlyList<string> Intervals { get; } = ["1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h"];

    private const string LockTimeout = "SELECT set_config('lock_timeout', '10s', true)";
    private const string AdvisoryLock = "SELECT pg_advisory_xact_lock($1)";
    private const string DefaultMonths = "SELECT bar_interval, month, row_count FROM sd_schema.intraday_default_months()";
    private const string Ensure = "SELECT sd_schema.intraday_partition_ensure($1, $2)";
    private const string Drop = "SELECT sd_schema.intraday_partition_drop($1, $2)";
    private const string List = """
        SELECT interval, name, range_from, range_to, estimated_rows FROM sd_schema.intraday_partitions ORDER BY interval, range_from
        """;

    /// <summary>
    /// Creates the month partitions from <paramref name="monthsBehind"/> before the current month (UTC) to
    /// <paramref name="monthsAhead"/> after it for every interval, skipping months already past the interval's
    /// retention, and a partition for every month that has rows waiting in a DEFAULT partition (those rows move into it).
    /// Idempotent. Returns what was found in the defaults and what was created.
    /// </summary>
    public async Task<PartitionEnsureResult> EnsureAsync(DateTimeOffset now, int monthsBehind, int monthsAhead,
        IReadOnlyDictionary<string, TimeSpan> keep, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);

        var defaults = new List<DefaultPartitionRows>();
        await using (var command = new NpgsqlCommand(schemaSql.Qualify(DefaultMonths), connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                defaults.Add(new DefaultPartitionRows(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2)));
            }
        }

        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var targets = new SortedSet<(string Interval, DateOnly Month)>();
        foreach (var interval in Intervals)
        {
            for (var k = -monthsBehind; k <= monthsAhead; k++)
            {
                var month = thisMonth.AddMonths(k);
                var monthEnd = new DateTimeOffset(month.AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                if (!keep.TryGetValue(interval, out var kept) || monthEnd > now - kept)
                {
                    targets.Add((interval, month));
                }
            }
        }

        foreach (var found in defaults)
        {
            targets.Add((found.Interval, found.Month));
        }

        var created = new List<CreatedPartition>();
        foreach (var (interval, month) in targets)
        {
            await using var command = new NpgsqlCommand(schemaSql.Qualify(Ensure), connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = interval, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = month, NpgsqlDbType = NpgsqlDbType.Date });
            if (await command.ExecuteScalarAsync(cancellationToken) is long moved)
            {
                created.Add(new CreatedPartition(interval, month, moved));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new PartitionEnsureResult(defaults, created);
    }

    /// <summary>The month partitions that exist (the DEFAULT partitions left out), by interval and month.</summary>
    public async Task<IReadOnlyList<MonthPartition>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(schemaSql.Qualify(List), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MonthPartition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MonthPartition(
                reader.GetString(0),
                reader.GetString(1),
                new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                reader.GetInt64(4)));
        }

        return list;
    }

    /// <summary>
    /// The partitions retention drops at <paramref name="now"/>: those of an interval with a retention whose whole
    /// range ends at or before <c>now − retention</c>. A partition reaching into the window stays, with all its rows.
    /// </summary>
    public static IReadOnlyList<MonthPartition> Expired(IReadOnlyList<MonthPartition> partitions, IReadOnlyDictionary<string, TimeSpan> keep,
        DateTimeOffset now) =>
        partitions.Where(p => keep.TryGetValue(p.Interval, out var kept) && p.RangeTo <= now - kept).ToList();

    /// <summary>
    /// Drops one month partition, its rows taken off bar_counts in the same transaction. Returns the rows dropped, or
    /// null when another replica dropped it first.
    /// </summary>
    public async Task<long?> DropAsync(MonthPartition partition, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        await using var command = new NpgsqlCommand(schemaSql.Qualify(Drop), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = partition.Interval, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(partition.RangeFrom.UtcDateTime), NpgsqlDbType = NpgsqlDbType.Date });
        var dropped = await command.ExecuteScalarAsync(cancellationToken) as long?;
        await transaction.CommitAsync(cancellationToken);
        return dropped;
    }

    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var timeout = new NpgsqlCommand(LockTimeout, connection, transaction))
        {
            await timeout.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(AdvisoryLock, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey(schemaSql.Schema), NpgsqlDbType = NpgsqlDbType.Bigint });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static long LockKey(string schema) =>
        (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("stockdata:intraday-partitions:" + schema));
}

/// <summary>Rows waiting in one interval's DEFAULT partition for one month (UTC).</summary>
public sealed record DefaultPartitionRows(string Interval, DateOnly Month, long Rows);

/// <summary>A month partition created now, and the rows moved into it from the DEFAULT partition.</summary>
public sealed record CreatedPartition(string Interval, DateOnly Month, long MovedFromDefault);

/// <summary>What <see cref="IntradayPartitions.EnsureAsync"/> found and did.</summary>
public sealed record PartitionEnsureResult(IReadOnlyList<DefaultPartitionRows> Defaults, IReadOnlyList<CreatedPartition> Created);

/// <summary>One month partition of one interval: [RangeFrom, RangeTo), and the planner's row estimate (-1: never analysed).</summary>
public sealed record MonthPartition(string Interval, string Name, DateTimeOffset RangeFrom, DateTimeOffset RangeTo, long EstimatedRows);
