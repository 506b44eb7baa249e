using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>
/// The merge's first step, on the client: read the stored rows in each group's key range (one index range scan per
/// symbol and interval) and compare them with the batch, so that only new and changed rows are staged and merged.
/// </summary>
/// <remarks>
/// Why here and not in SQL: re-ingesting stored history is the common case (every incremental fetch overlaps what is
/// stored; a full re-fetch after a split repeats years of identical bars). Staging every row and looking each one up
/// by key cost about two thirds of an unchanged pass; a range read is a few sequential index pages per symbol, and a
/// batch that changes nothing now sends no COPY and no merge at all (docs/performance.md, Writer).
/// Concurrency: the read is a snapshot of its own (READ COMMITTED). A row it found equal and a concurrent writer then
/// changed keeps the concurrent value, as if this batch had committed first; a row it found changed is updated only
/// while the version read here is still the current one (<see cref="BarWriterSql.Merge"/>), and anything else is merged
/// again by key in the same transaction, so no change is lost and every revision holds the value really replaced.
/// </remarks>
public static class BarDiff
{
    /// <summary>Stored rows of the daily family between each group's first and last key, tagged with the group's 1-based ordinal.</summary>
    private const string ReadDaily = """
        SELECT u.ord::int, b.ctid, b.xmin, b.trade_date, b.ts, b.open, b.high, b.low, b.close, b.adj_close, b.volume
        FROM unnest($1::text[], $2::text[], $3::date[], $4::date[]) WITH ORDINALITY AS u(symbol, interval, lo, hi, ord)
        CROSS JOIN LATERAL (SELECT p.ctid, p.xmin, p.* FROM sd_schema.daily_bars p
                            WHERE p.symbol = u.symbol AND p.interval = u.interval AND p.trade_date BETWEEN u.lo AND u.hi) b
        """;

    private const string ReadIntraday = """
        SELECT u.ord::int, b.ctid, b.xmin, b.trade_date, b.ts, b.open, b.high, b.low, b.close, b.adj_close, b.volume
        FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS u(symbol, interval, lo, hi, ord)
        CROSS JOIN LATERAL (SELECT p.ctid, p.xmin, p.* FROM sd_schema.intraday_bars p
                            WHERE p.symbol = u.symbol AND p.interval = u.interval AND p.ts BETWEEN u.lo AND u.hi
                              AND p.interval = ANY($5::text[]) AND p.ts BETWEEN $6 AND $7) b
        """;

    /// <summary>The read of one family's stored rows, to run in the writer's transaction.</summary>
    public static NpgsqlBatchCommand ReadCommand(SchemaSql schemaSql, IReadOnlyList<BarGroup> groups, bool daily)
    {
        var command = new NpgsqlBatchCommand(schemaSql.Qualify(daily ? ReadDaily : ReadIntraday));
        command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Symbol), NpgsqlDbType.Text));
        command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Interval), NpgsqlDbType.Text));
        // A group's rows are in strictly increasing key order (BarBatchPlan), so its first and last rows bound it.
        if (daily)
        {
            command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Rows[0].TradeDate), NpgsqlDbType.Date));
            command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Rows[^1].TradeDate), NpgsqlDbType.Date));
        }
        else
        {
            command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Rows[0].Timestamp.UtcDateTime), NpgsqlDbType.TimestampTz));
            command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Rows[^1].Timestamp.UtcDateTime), NpgsqlDbType.TimestampTz));
            // The batch's intervals and whole time range, redundant with the per-group bounds: intraday_bars is partitioned
            // by interval and month (migration 0011), and these let the planner prune at plan time to the partitions
            // the batch can touch instead of planning every one (BarWriterSql.Merge says the same of the merge).
            command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Interval).Distinct(), NpgsqlDbType.Text));
            command.Parameters.Add(new NpgsqlParameter { Value = groups.Min(g => g.Rows[0].Timestamp.UtcDateTime), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = groups.Max(g => g.Rows[^1].Timestamp.UtcDateTime), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        return command;
    }

    /// <summary>Reads the current result set of <see cref="ReadCommand"/>: stored rows by (group index, key).</summary>
    public static async Task<Dictionary<(int Group, long Key), StoredBar>> ReadStoredAsync(NpgsqlDataReader reader, bool daily,
        CancellationToken cancellationToken)
    {
        var stored = new Dictionary<(int, long), StoredBar>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new StoredBar(
                reader.GetFieldValue<NpgsqlTid>(1),
                reader.GetFieldValue<uint>(2),
                reader.GetFieldValue<DateOnly>(3),
                reader.GetDateTime(4),
                reader.GetDouble(5),
                reader.GetDouble(6),
                reader.GetDouble(7),
                reader.GetDouble(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10));
            stored[(reader.GetInt32(0) - 1, daily ? row.TradeDate.DayNumber : Microseconds(row.Timestamp))] = row;
        }

        return stored;
    }

    /// <summary>The rows of <paramref name="groups"/> that are new or differ from what is stored, in batch (key) order.</summary>
    public static List<StagedBar> Changes(IReadOnlyList<BarGroup> groups, bool daily, Dictionary<(int Group, long Key), StoredBar> stored)
    {
        var staged = new List<StagedBar>();
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var rows = group.Rows;
            for (var i = 0; i < rows.Count; i++)
            {
                var bar = rows[i];
                if (!stored.TryGetValue((g, daily ? bar.TradeDate.DayNumber : Microseconds(bar.Timestamp.UtcDateTime)), out var old))
                {
                    staged.Add(new StagedBar(group.Symbol, group.Interval, bar, null));
                }
                else if (!Same(bar, old))
                {
                    staged.Add(new StagedBar(group.Symbol, group.Interval, bar, old));
                }
            }
        }

        return staged;
    }

    /// <summary>
    /// The merge's change filter, <c>(ts, trade_date, open, …, volume) IS DISTINCT FROM …</c>, on the client: doubles by
    /// value with NaN equal to NaN and 0 equal to −0 (PostgreSQL's float8 equality, and double.Equals), timestamps at
    /// the microsecond PostgreSQL stores.
    /// </summary>
    public static bool Same(in Bar bar, in StoredBar stored) =>
        Microseconds(bar.Timestamp.UtcDateTime) == Microseconds(stored.Timestamp)
        && bar.TradeDate == stored.TradeDate
        && bar.Open.Equals(stored.Open)
        && bar.High.Equals(stored.High)
        && bar.Low.Equals(stored.Low)
        && bar.Close.Equals(stored.Close)
        && Nullable.Equals(bar.AdjClose, stored.AdjClose)
        && bar.Volume == stored.Volume;

    private static long Microseconds(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
}
