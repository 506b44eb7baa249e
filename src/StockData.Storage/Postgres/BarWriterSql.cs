using System.Globalization;

namespace StockData.Storage.Postgres;

/// <summary>
/// The writer's statements. Table names are constants; every value is a parameter or comes through COPY.
/// Lock order: every statement touches rows in key order (the plan sorts the bars, the others ORDER BY their key),
/// so two writers on overlapping symbols queue behind each other instead of deadlocking.
/// </summary>
public static class BarWriterSql
{
    /// <summary>Which of the batch's (symbol, interval) pairs already have stored history (a watermark).</summary>
    public const string WithHistory = """
        SELECT u.symbol, u.interval
        FROM unnest($1::text[], $2::text[]) AS u(symbol, interval)
        WHERE EXISTS (SELECT 1 FROM sd_schema.symbol_intervals si
                      WHERE si.symbol = u.symbol AND si.interval = u.interval AND si.watermark IS NOT NULL)
        """;

    /// <summary>
    /// Turns the bar_counts insert trigger off for the rest of the transaction, before the fresh-history COPYs: the writer
    /// counts those rows itself (<see cref="CountFresh"/>) after waiting for its turn, so the COPY takes no bar_counts
    /// lock an earlier batch of the same fetch may still need (migration 0013).
    /// </summary>
    public const string WriterCounts = "SET LOCAL stockdata.writer_counts = on";

    /// <summary>Turns the trigger back on once the fresh-history COPYs are done: the merges after it are counted by it.</summary>
    public const string TriggerCounts = "SET LOCAL stockdata.writer_counts = off";

    /// <summary>Adds the rows COPYed straight into a bars table to bar_counts, in key order as the trigger does.</summary>
    public const string CountFresh = """
        INSERT INTO sd_schema.bar_counts AS c (symbol, interval, rows)
        SELECT symbol, interval, sum(n) FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(symbol, interval, n)
        GROUP BY symbol, interval ORDER BY symbol, interval
        ON CONFLICT (symbol, interval) DO UPDATE SET rows = c.rows + EXCLUDED.rows
        """;

    /// <summary>
    /// The merge of one family's staged rows, one statement. The stage holds only rows <see cref="BarDiff"/> found new
    /// or changed; a changed row carries the identity of the stored row version it replaces: its physical id
    /// (<c>o_ctid</c>) and the transaction that wrote it (<c>o_xmin</c>). Changed rows are updated by that row id (a
    /// TID probe, not a primary-key descent) only while that version is still the current one: a compare-and-set.
    /// Under READ COMMITTED, a row a concurrent writer changed after the read is either invisible at its old id or is
    /// re-checked on its newest version, whose xmin differs; a reused row id holds another xmin. Either way it is left
    /// alone. The old values for bar_revisions come from the same version read a second time by its id (<c>o</c>:
    /// PostgreSQL 15 has no <c>RETURNING old</c>), so only rows really updated leave a revision, holding exactly what
    /// was replaced. New rows are inserted with <c>ON CONFLICT DO NOTHING</c>: a key a concurrent writer inserted after
    /// the read is left alone here, because an <c>ON CONFLICT DO UPDATE</c> could not return the values it replaced.
    /// Keys are unique in the stage (deduplicated before the COPY), so no row is touched twice; rows lock in stage
    /// (key) order, intraday rows one month partition after another (<see cref="MonthOf"/>: <paramref name="months"/>
    /// groups, at least one).
    /// Columns: inserted, updated, staged rows (checked against what was COPYed), and staged rows left alone (changed
    /// rows the UPDATE did not update, new rows the INSERT did not insert): when that is above zero the caller runs
    /// <see cref="MergeByKey"/> in the same transaction, whose new snapshot sees the concurrent versions (rows merged
    /// here now compare equal and are skipped).
    /// Run between <see cref="NestedLoopsOnly"/> and <see cref="JoinsRestored"/>, so both joins stay TID probes per row
    /// whatever the planner guesses of the unanalysed TEMP stage.
    /// </summary>
    public static string Merge(bool daily, bool keepRevisions, int months = 1)
    {
        var (table, stage, _, compared) = Family(daily);
        var updates = daily
            ? $"upd AS ({Update(table, stage, compared, "", "")})"
            : string.Join(",\n", Enumerable.Range(0, months).Select(k => $"upd{k} AS ({Update(table, stage, compared, MonthOf("o", k), MonthOf("s", k) + MonthOf("b", k))})"))
              + $",\nupd AS ({string.Join(" UNION ALL ", Enumerable.Range(0, months).Select(k => $"SELECT * FROM upd{k}"))})";
        return $"""
            WITH {updates},
            ins AS (
                {InsertNew(daily, $"FROM {stage} WHERE o_ctid IS NULL")}){(keepRevisions ? StagedRevisions : "")},
            staged AS (SELECT count(*) AS n FROM {stage})
            SELECT (SELECT count(*) FROM ins),
                   (SELECT count(*) FROM upd),
                   (SELECT n FROM staged),
                   (SELECT n FROM staged) - (SELECT count(*) FROM upd) - (SELECT count(*) FROM ins)
            """;
    }

    /// <summary>The update of the changed staged rows by row id (<see cref="Merge"/>); <paramref name="oldRow"/> and
    /// <paramref name="row"/> narrow the probes and the stage (intraday: to one month partition).</summary>
    private static string Update(string table, string stage, string compared, string oldRow, string row) => $"""
        UPDATE {table} b
            SET {compared} = s.{compared}, open = s.open, high = s.high, low = s.low, close = s.close, adj_close = s.adj_close,
                volume = s.volume, updated_at = now()
            FROM {stage} s JOIN {table} o ON o.ctid = s.o_ctid{oldRow}
            WHERE s.o_ctid IS NOT NULL AND b.ctid = s.o_ctid AND b.xmin = s.o_xmin{row}
            RETURNING o.symbol, o.interval, o.ts, o.trade_date, o.open, o.high, o.low, o.close, o.adj_close, o.volume,
                      o.updated_at
        """;

    /// <summary>
    /// intraday_bars is partitioned (by interval, then by month of ts; migration 0011), and a row id is unique only within
    /// one partition: rows of two partitions can share a ctid, and even an xmin when one merge wrote both. So the
    /// intraday merge updates one month partition at a time: one UPDATE per (interval, UTC month) of the changed staged
    /// rows, group k's interval, first instant and the next month's first instant bound as $(3k+1), $(3k+2), $(3k+3).
    /// Those are known when the statement is planned, so the planner keeps exactly that one partition for both probes:
    /// a plain TID probe per row, as on an unpartitioned table, and the staged row's month pins its stored row's
    /// partition (keys never change, so the stored row has the staged row's interval and ts). One UPDATE over all the
    /// batch's months instead needs each staged row's interval and ts to find its partition: an Append with run-time
    /// pruning in front of each of the two probes, pruned again for every row, which cost about a fifth of the merge
    /// (docs/performance.md, "Writer on partitioned intraday_bars"). Rows lock in (interval, month, key) order, the
    /// same order in every writer's merge.
    /// </summary>
    private static string MonthOf(string alias, int group) => string.Create(CultureInfo.InvariantCulture,
        $" AND {alias}.interval = ${(3 * group) + 1}::text AND {alias}.ts >= ${(3 * group) + 2}::timestamptz AND {alias}.ts < ${(3 * group) + 3}::timestamptz");

    /// <summary>
    /// The old values of the rows <see cref="Merge"/> updated, as revisions: one bar_revision_sets row per symbol and
    /// interval (migration 0007). The aggregates of one group read its rows in one order, so element i of every array
    /// is the same bar.
    /// </summary>
    private const string StagedRevisions = """
        ,
        rev AS (
            INSERT INTO sd_schema.bar_revision_sets (symbol, interval, revised_at, ts, trade_date, open, high, low, close, adj_close, volume, valid_from)
            SELECT u.symbol, u.interval, now(), array_agg(u.ts), array_agg(u.trade_date), array_agg(u.open), array_agg(u.high),
                   array_agg(u.low), array_agg(u.close), array_agg(u.adj_close), array_agg(u.volume), array_agg(u.updated_at)
            FROM upd u
            GROUP BY u.symbol, u.interval)
        """;

    /// <summary>
    /// The by-key merge of the same stage: the fallback after <see cref="Merge"/> (or an earlier round of this one)
    /// left staged rows alone: a concurrent writer changed, or deleted and re-inserted, a row after the read, or
    /// inserted a key the read did not find. Every staged row is looked up by key again (<c>j</c>: a LATERAL LIMIT 1,
    /// an index probe per row, in this statement's snapshot) and new and changed rows are kept. The changed ones are
    /// then locked (<c>l</c>: <c>SELECT … FOR UPDATE</c>), which under READ COMMITTED waits for a concurrent writer
    /// and returns the row's newest committed version; that locked version is what the UPDATE replaces (its own
    /// re-check lands on the same version, and nobody can change it in between), so it is what the revision holds.
    /// The snapshot's values would not do: a writer that committed between this statement's start and the lock would
    /// have its values overwritten without a trace. New rows are inserted with <c>ON CONFLICT DO NOTHING</c>, for the
    /// reason given at <see cref="Merge"/>.
    /// Columns: inserted, updated, and staged rows left alone again (a locked row vanished, a new key met a concurrent
    /// insert): the caller runs another round, whose snapshot sees them. Rare, so the second probe per changed row and
    /// the row locks do not matter.
    /// </summary>
    public static string MergeByKey(bool daily, bool keepRevisions)
    {
        var (table, stage, key, compared) = Family(daily);
        var revisions = keepRevisions
            ? $"""
               , rev AS (
                   INSERT INTO sd_schema.bar_revision_sets (symbol, interval, revised_at, ts, trade_date, open, high, low, close, adj_close, volume, valid_from)
                   SELECT u.symbol, u.interval, now(), {(daily ? "array_agg(u.o_compared), array_agg(u.trade_date)" : "array_agg(u.ts), array_agg(u.o_compared)")},
                          array_agg(u.o_open), array_agg(u.o_high), array_agg(u.o_low), array_agg(u.o_close), array_agg(u.o_adj_close),
                          array_agg(u.o_volume), array_agg(u.o_updated_at)
                   FROM upd u
                   GROUP BY u.symbol, u.interval)
               """
            : "";
        return $"""
            WITH j AS MATERIALIZED (
                SELECT s.symbol, s.interval, s.trade_date, s.ts, s.open, s.high, s.low, s.close, s.adj_close, s.volume,
                       o.symbol IS NULL AS is_new
                FROM {stage} s
                LEFT JOIN LATERAL (SELECT p.* FROM {table} p
                                   WHERE p.symbol = s.symbol AND p.interval = s.interval AND p.{key} = s.{key} LIMIT 1) o ON true
                WHERE o.symbol IS NULL
                   OR (o.{compared}, o.open, o.high, o.low, o.close, o.adj_close, o.volume)
                      IS DISTINCT FROM (s.{compared}, s.open, s.high, s.low, s.close, s.adj_close, s.volume)),
            l AS MATERIALIZED (
                SELECT j.symbol, j.interval, j.trade_date, j.ts, j.open, j.high, j.low, j.close, j.adj_close, j.volume,
                       o.{compared} AS o_compared, o.open AS o_open, o.high AS o_high, o.low AS o_low, o.close AS o_close,
                       o.adj_close AS o_adj_close, o.volume AS o_volume, o.updated_at AS o_updated_at
                FROM j
                JOIN LATERAL (SELECT p.* FROM {table} p
                              WHERE p.symbol = j.symbol AND p.interval = j.interval AND p.{key} = j.{key} FOR UPDATE) o ON true
                WHERE NOT j.is_new),
            upd AS (
                UPDATE {table} b
                SET {compared} = l.{compared}, open = l.open, high = l.high, low = l.low, close = l.close, adj_close = l.adj_close,
                    volume = l.volume, updated_at = now()
                FROM l
                WHERE b.symbol = l.symbol AND b.interval = l.interval AND b.{key} = l.{key}
                  AND (b.{compared}, b.open, b.high, b.low, b.close, b.adj_close, b.volume)
                      IS DISTINCT FROM (l.{compared}, l.open, l.high, l.low, l.close, l.adj_close, l.volume)
                RETURNING l.symbol, l.interval, l.ts, l.trade_date, l.o_compared, l.o_open, l.o_high, l.o_low, l.o_close,
                          l.o_adj_close, l.o_volume, l.o_updated_at),
            ins AS (
                {InsertNew(daily, "FROM j WHERE j.is_new")}){revisions}
            SELECT (SELECT count(*) FROM ins),
                   (SELECT count(*) FROM upd),
                   (SELECT count(*) FROM j) - (SELECT count(*) FROM l) - (SELECT count(*) FROM ins)
            """;
    }

    /// <summary>
    /// Both merges' insert of new rows (<paramref name="rows"/>: the FROM and WHERE of their source, a literal). A key a
    /// concurrent writer inserted after the merge's read is skipped (the insert waits for that writer to finish first),
    /// and the caller merges it by key in a later statement, which can lock it and record what it replaces.
    /// Returns one row per row inserted.
    /// </summary>
    private static string InsertNew(bool daily, string rows)
    {
        var (table, _, key, _) = Family(daily);
        return $"""
            INSERT INTO {table} (symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume)
                SELECT symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume {rows}
                ON CONFLICT (symbol, interval, {key}) DO NOTHING
                RETURNING 1
            """;
    }

    private static (string Table, string Stage, string Key, string Compared) Family(bool daily) => daily
        ? ("sd_schema.daily_bars", StagingTables.Daily, "trade_date", "ts")
        : ("sd_schema.intraday_bars", StagingTables.Intraday, "ts", "trade_date");

    /// <summary>
    /// For the rest of the transaction (SET LOCAL semantics), joins as nested loops: the merge's UPDATE joins the changed
    /// rows to the bars table, and on the stage's guessed size the planner could pick a hash join that reads the whole
    /// table per batch (516 ms per batch, docs/postgres-upsert.md B3).
    /// </summary>
    public const string NestedLoopsOnly =
        "SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)";

    /// <summary>The planner's defaults back for the statements after the merge.</summary>
    public const string JoinsRestored =
        "SELECT set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)";

    /// <summary>Dividends merged like bars: last row per key wins, unchanged rows not rewritten.</summary>
    public const string Dividends = """
        INSERT INTO sd_schema.dividends AS d (symbol, ex_date, ts, amount)
        SELECT DISTINCT ON (u.symbol, u.ex_date) u.symbol, u.ex_date, u.ts, u.amount
        FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::float8[]) WITH ORDINALITY AS u(symbol, ex_date, ts, amount, ord)
        ORDER BY u.symbol, u.ex_date, u.ord DESC
        ON CONFLICT (symbol, ex_date) DO UPDATE SET ts = EXCLUDED.ts, amount = EXCLUDED.amount, updated_at = now()
        WHERE (d.ts, d.amount) IS DISTINCT FROM (EXCLUDED.ts, EXCLUDED.amount)
        """;

    public const string Splits = """
        INSERT INTO sd_schema.splits AS d (symbol, ex_date, ts, numerator, denominator)
        SELECT DISTINCT ON (u.symbol, u.ex_date) u.symbol, u.ex_date, u.ts, u.numerator, u.denominator
        FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::float8[], $5::float8[])
             WITH ORDINALITY AS u(symbol, ex_date, ts, numerator, denominator, ord)
        ORDER BY u.symbol, u.ex_date, u.ord DESC
        ON CONFLICT (symbol, ex_date) DO UPDATE
        SET ts = EXCLUDED.ts, numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, updated_at = now()
        WHERE (d.ts, d.numerator, d.denominator) IS DISTINCT FROM (EXCLUDED.ts, EXCLUDED.numerator, EXCLUDED.denominator)
        """;

    public const string CapitalGains = """
        INSERT INTO sd_schema.capital_gains AS d (symbol, ex_date, ts, amount)
        SELECT DISTINCT ON (u.symbol, u.ex_date) u.symbol, u.ex_date, u.ts, u.amount
        FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::float8[]) WITH ORDINALITY AS u(symbol, ex_date, ts, amount, ord)
        ORDER BY u.symbol, u.ex_date, u.ord DESC
        ON CONFLICT (symbol, ex_date) DO UPDATE SET ts = EXCLUDED.ts, amount = EXCLUDED.amount, updated_at = now()
        WHERE (d.ts, d.amount) IS DISTINCT FROM (EXCLUDED.ts, EXCLUDED.amount)
        """;

    /// <summary>
    /// The batch's symbols: inserted when new; metadata updated only where a value arrived and differs (a chunk
    /// without metadata changes nothing). The symbols are distinct and sorted, so rows lock in key order.
    /// </summary>
    public const string Symbols = """
        INSERT INTO sd_schema.symbols AS s (symbol, currency, instrument_type, exchange_name, exchange_timezone, first_trade_date)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
        ON CONFLICT (symbol) DO UPDATE
        SET currency = COALESCE(EXCLUDED.currency, s.currency),
            instrument_type = COALESCE(EXCLUDED.instrument_type, s.instrument_type),
            exchange_name = COALESCE(EXCLUDED.exchange_name, s.exchange_name),
            exchange_timezone = COALESCE(EXCLUDED.exchange_timezone, s.exchange_timezone),
            first_trade_date = COALESCE(EXCLUDED.first_trade_date, s.first_trade_date),
            updated_at = now()
        WHERE (COALESCE(EXCLUDED.currency, s.currency), COALESCE(EXCLUDED.instrument_type, s.instrument_type),
               COALESCE(EXCLUDED.exchange_name, s.exchange_name), COALESCE(EXCLUDED.exchange_timezone, s.exchange_timezone),
               COALESCE(EXCLUDED.first_trade_date, s.first_trade_date))
              IS DISTINCT FROM (s.currency, s.instrument_type, s.exchange_name, s.exchange_timezone, s.first_trade_date)
        """;

    public const string EnsureSymbolIntervals = """
        INSERT INTO sd_schema.symbol_intervals (symbol, interval)
        SELECT * FROM unnest($1::text[], $2::text[])
        ON CONFLICT (symbol, interval) DO NOTHING
        """;

    /// <summary>
    /// Per (symbol, interval) finishing a fetch or carrying events. The watermark becomes the last stored bar's
    /// timestamp, read back from the table in this transaction, only when the fetch completes (its last chunk, every
    /// earlier chunk committed). A split or dividend dated after the stored watermark (the old value: SET expressions
    /// all read the row as it was) marks a full re-fetch pending; a completed full-history fetch clears it.
    /// $8, the intraday intervals among the rows, adds nothing to the result (every intraday row's interval is in it)
    /// but lets the planner leave out, at plan time, every other interval's partitions of intraday_bars: the watermark
    /// read's interval comes from the unnest, so without it each batch planned every month partition of every interval
    /// (1.8 ms a batch with 48 partitions, 13 ms with 136; docs/performance.md, "Writer on partitioned intraday_bars").
    /// </summary>
    public const string UpdateSymbolIntervals = """
        WITH recovered AS (
            -- A symbol that lands again is active again (a reject had marked it not_found or failing).
            UPDATE sd_schema.symbols s SET status = 'active', last_error = NULL, updated_at = now()
            FROM (SELECT DISTINCT c.symbol FROM unnest($1::text[], $4::bool[]) AS c(symbol, completes) WHERE c.completes) AS done
            WHERE s.symbol = done.symbol AND s.status <> 'active')
        UPDATE sd_schema.symbol_intervals si SET
            consecutive_failures = CASE WHEN u.completes THEN 0 ELSE si.consecutive_failures END,
            watermark = CASE WHEN u.completes THEN COALESCE(
                    CASE WHEN u.daily
                         THEN (SELECT b.ts FROM sd_schema.daily_bars b WHERE b.symbol = u.symbol AND b.interval = u.interval
                               ORDER BY b.trade_date DESC LIMIT 1)
                         ELSE (SELECT b.ts FROM sd_schema.intraday_bars b WHERE b.symbol = u.symbol AND b.interval = u.interval
                               AND b.interval = ANY($8::text[]) ORDER BY b.ts DESC LIMIT 1) END,
                    si.watermark) ELSE si.watermark END,
            last_success_at = CASE WHEN u.completes THEN now() ELSE si.last_success_at END,
            full_refetch_pending = CASE WHEN u.clears THEN false
                                        WHEN u.action_at > si.watermark THEN true
                                        ELSE si.full_refetch_pending END,
            full_refetch_reason = CASE WHEN u.clears THEN NULL
                                       WHEN u.action_at > si.watermark THEN u.action_reason
                                       ELSE si.full_refetch_reason END
        FROM unnest($1::text[], $2::text[], $3::bool[], $4::bool[], $5::bool[], $6::timestamptz[], $7::text[])
             AS u(symbol, interval, daily, completes, clears, action_at, action_reason)
        WHERE si.symbol = u.symbol AND si.interval = u.interval
        RETURNING si.symbol, si.interval, si.watermark, si.full_refetch_pending
        """;
}
