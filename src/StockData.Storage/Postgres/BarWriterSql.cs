namespace StockData.Storage.Postgres;

/// <summary>
/// The writer's statements. Table names are constants; every value is a parameter or comes through COPY.
/// Lock order: every statement touches rows in key order (the plan sorts the bars, the others ORDER BY their key),
/// so two writers on overlapping symbols queue behind each other instead of deadlocking.
/// </summary>
internal static class BarWriterSql
{
    /// <summary>Which of the batch's (symbol, interval) pairs already have stored history (a watermark).</summary>
    public const string WithHistory = """
        SELECT u.symbol, u.interval
        FROM unnest($1::text[], $2::text[]) AS u(symbol, interval)
        WHERE EXISTS (SELECT 1 FROM symbol_intervals si
                      WHERE si.symbol = u.symbol AND si.interval = u.interval AND si.watermark IS NOT NULL)
        """;

    /// <summary>
    /// The staged merge of one family. Unchanged rows are filtered by a NULL-safe row comparison and not rewritten
    /// (1.9× faster than rewriting them and no table bloat, docs/postgres-upsert.md B4.3). RETURNING yields inserted and
    /// changed rows only; <c>xmax = 0</c> tells an insert from an update. With revisions on, the changed rows' old
    /// values are read by key from the statement's snapshot (all parts of one statement see the table as it was
    /// before it) and kept in bar_revisions; the LIMIT keeps that lookup an index probe per changed row, where a join
    /// could pick a hash join over the whole table on stale statistics (516 ms per batch, docs/postgres-upsert.md B3).
    /// The third column counts the staged rows: unchanged = staged − inserted − updated, checked against the batch.
    /// </summary>
    public static string Merge(bool daily, bool keepRevisions)
    {
        var (table, stage, key, compared) = daily
            ? ("daily_bars", StagingTables.Daily, "trade_date", "ts")
            : ("intraday_bars", StagingTables.Intraday, "ts", "trade_date");
        var revisions = keepRevisions
            ? $"""
               , rev AS (
                   INSERT INTO bar_revisions (symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, valid_from, revised_at)
                   SELECT o.symbol, o.interval, o.ts, o.trade_date, o.open, o.high, o.low, o.close, o.adj_close, o.volume, o.updated_at, now()
                   FROM up u
                   CROSS JOIN LATERAL (SELECT * FROM {table} p
                                       WHERE p.symbol = u.symbol AND p.interval = u.interval AND p.{key} = u.{key} LIMIT 1) o
                   WHERE NOT u.inserted)
               """
            : "";
        return $"""
            WITH up AS (
                INSERT INTO {table} AS b (symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume)
                SELECT symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume FROM {stage}
                ON CONFLICT (symbol, interval, {key}) DO UPDATE
                SET {compared} = EXCLUDED.{compared}, open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
                    close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume, updated_at = now()
                WHERE (b.{compared}, b.open, b.high, b.low, b.close, b.adj_close, b.volume)
                      IS DISTINCT FROM (EXCLUDED.{compared}, EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close,
                                        EXCLUDED.adj_close, EXCLUDED.volume)
                RETURNING b.symbol, b.interval, b.{key}, b.xmax = 0 AS inserted){revisions}
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), (SELECT count(*) FROM {stage}) FROM up
            """;
    }

    /// <summary>Dividends merged like bars: last row per key wins, unchanged rows not rewritten.</summary>
    public const string Dividends = """
        INSERT INTO dividends AS d (symbol, ex_date, ts, amount)
        SELECT DISTINCT ON (u.symbol, u.ex_date) u.symbol, u.ex_date, u.ts, u.amount
        FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::float8[]) WITH ORDINALITY AS u(symbol, ex_date, ts, amount, ord)
        ORDER BY u.symbol, u.ex_date, u.ord DESC
        ON CONFLICT (symbol, ex_date) DO UPDATE SET ts = EXCLUDED.ts, amount = EXCLUDED.amount, updated_at = now()
        WHERE (d.ts, d.amount) IS DISTINCT FROM (EXCLUDED.ts, EXCLUDED.amount)
        """;

    public const string Splits = """
        INSERT INTO splits AS d (symbol, ex_date, ts, numerator, denominator)
        SELECT DISTINCT ON (u.symbol, u.ex_date) u.symbol, u.ex_date, u.ts, u.numerator, u.denominator
        FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::float8[], $5::float8[])
             WITH ORDINALITY AS u(symbol, ex_date, ts, numerator, denominator, ord)
        ORDER BY u.symbol, u.ex_date, u.ord DESC
        ON CONFLICT (symbol, ex_date) DO UPDATE
        SET ts = EXCLUDED.ts, numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, updated_at = now()
        WHERE (d.ts, d.numerator, d.denominator) IS DISTINCT FROM (EXCLUDED.ts, EXCLUDED.numerator, EXCLUDED.denominator)
        """;

    public const string CapitalGains = """
        INSERT INTO capital_gains AS d (symbol, ex_date, ts, amount)
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
        INSERT INTO symbols AS s (symbol, currency, instrument_type, exchange_name, exchange_timezone, first_trade_date)
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
        INSERT INTO symbol_intervals (symbol, interval)
        SELECT * FROM unnest($1::text[], $2::text[])
        ON CONFLICT (symbol, interval) DO NOTHING
        """;

    /// <summary>
    /// Per (symbol, interval) finishing a fetch or carrying events. The watermark becomes the last stored bar's
    /// timestamp, read back from the table in this transaction, only when the fetch completes (its last chunk, every
    /// earlier chunk committed). A split or dividend dated after the stored watermark (the old value: SET expressions
    /// all read the row as it was) marks a full re-fetch pending; a completed full-history fetch clears it.
    /// </summary>
    public const string UpdateSymbolIntervals = """
        WITH recovered AS (
            -- A symbol that lands again is active again (a reject had marked it not_found or failing).
            UPDATE symbols s SET status = 'active', last_error = NULL, updated_at = now()
            FROM (SELECT DISTINCT c.symbol FROM unnest($1::text[], $4::bool[]) AS c(symbol, completes) WHERE c.completes) AS done
            WHERE s.symbol = done.symbol AND s.status <> 'active')
        UPDATE symbol_intervals si SET
            consecutive_failures = CASE WHEN u.completes THEN 0 ELSE si.consecutive_failures END,
            watermark = CASE WHEN u.completes THEN COALESCE(
                    CASE WHEN u.daily
                         THEN (SELECT b.ts FROM daily_bars b WHERE b.symbol = u.symbol AND b.interval = u.interval
                               ORDER BY b.trade_date DESC LIMIT 1)
                         ELSE (SELECT b.ts FROM intraday_bars b WHERE b.symbol = u.symbol AND b.interval = u.interval
                               ORDER BY b.ts DESC LIMIT 1) END,
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
