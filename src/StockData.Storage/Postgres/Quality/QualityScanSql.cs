namespace StockData.Storage.Postgres.Quality;

/// <summary>The quality scan's statements (docs/data-quality.md), in the order one scan runs them.</summary>
public static class QualityScanSql
{
    /// <summary>One scan at a time per schema, whichever replica or CLI runs it; the others skip their turn.</summary>
    public const string Lock = "SELECT pg_try_advisory_xact_lock(hashtext($1 || ':stockdata.quality'))";

    /// <summary>Gaps whose data is stored now (by a repair, or by any other fetch): repaired. $1 now.</summary>
    public const string Resolve = """
        UPDATE sd_schema.quality_gaps g SET status = 'repaired', resolved_at = $1, updated_at = $1, job_item_id = NULL, reason = NULL
        WHERE g.status <> 'repaired' AND CASE
            WHEN g.kind = 'bar' THEN EXISTS (SELECT 1 FROM sd_schema.daily_bars b
                                             WHERE b.symbol = g.symbol AND b.interval = g.interval AND b.trade_date = g.date_to)
            ELSE EXISTS (SELECT 1 FROM sd_schema.dividends d WHERE d.symbol = g.symbol AND d.ex_date BETWEEN g.date_from AND g.date_to)
              OR EXISTS (SELECT 1 FROM sd_schema.capital_gains c WHERE c.symbol = g.symbol AND c.ex_date BETWEEN g.date_from AND g.date_to) END
        """;

    /// <summary>
    /// Gaps whose repair fetch has finished and still lack their data. A fetch that completed (item done) returned
    /// the same absence: one attempt more, confirmed missing at $2 attempts ('absent after repeated fetches'), or at
    /// once when that fetch saw the date as an all-null row again ('upstream sends no data': a null-row mark seen since
    /// the gap was linked to it). A failed or cancelled fetch (or a deleted job) observed nothing: back to open without
    /// counting. Returns each settled gap's new status. $1 now.
    /// </summary>
    public const string Settle = $"""
        UPDATE sd_schema.quality_gaps g SET
            attempts = g.attempts + CASE WHEN x.item_status = 'done' THEN 1 ELSE 0 END,
            status = CASE WHEN x.item_status = 'done' AND (x.null_seen OR g.attempts + 1 >= $2) THEN 'confirmed_missing' ELSE 'open' END,
            reason = CASE WHEN x.item_status <> 'done' OR x.item_status IS NULL THEN NULL
                          WHEN x.null_seen THEN '{NoDataReason}'
                          WHEN g.attempts + 1 >= $2 THEN '{AbsentReason}' END,
            job_item_id = NULL, updated_at = $1
        FROM (SELECT r.symbol, r.interval, r.kind, r.date_to,
                     (SELECT i.status FROM sd_schema.fetch_job_items i WHERE i.id = r.job_item_id) AS item_status,
                     r.kind = 'bar' AND EXISTS (SELECT 1 FROM sd_schema.quality_null_rows n
                                                WHERE n.symbol = r.symbol AND n.interval = r.interval AND n.trade_date = r.date_to
                                                  AND n.last_seen_at >= r.linked_at) AS null_seen
              FROM sd_schema.quality_gaps r WHERE r.status = 'repairing') x
        WHERE g.symbol = x.symbol AND g.interval = x.interval AND g.kind = x.kind AND g.date_to = x.date_to
          AND (x.item_status IS NULL OR x.item_status IN ('done', 'failed', 'cancelled'))
        RETURNING g.status
        """;

    /// <summary>Why a gap was confirmed missing: its re-check saw the date as an all-null row again.</summary>
    public const string NoDataReason = "upstream sends no data";

    /// <summary>Why a gap was confirmed missing: MaxAttempts completed fetches lacked it.</summary>
    public const string AbsentReason = "absent after repeated fetches";

    /// <summary>Flagged ranges whose re-fetch has finished: verified (the stored data stayed whatever it said). $1 now.</summary>
    public const string SettleSuspicious = """
        UPDATE sd_schema.quality_suspicious s SET status = 'verified', job_item_id = NULL, updated_at = $1
        WHERE s.status = 'verifying'
          AND NOT EXISTS (SELECT 1 FROM sd_schema.fetch_job_items i WHERE i.id = s.job_item_id AND i.status IN ('pending', 'running'))
        """;

    /// <summary>
    /// A range flagged again after an overlapping flag of the same symbol was re-fetched already: persistent, not
    /// re-fetched (Yahoo keeps answering without that data; the store keeps it). $1 now.
    /// </summary>
    public const string Persistent = """
        UPDATE sd_schema.quality_suspicious s SET status = 'persistent', updated_at = $1
        WHERE s.status = 'flagged'
          AND EXISTS (SELECT 1 FROM sd_schema.quality_suspicious o
                      WHERE o.symbol = s.symbol AND o.interval = s.interval AND o.id < s.id
                        AND o.status IN ('verifying', 'verified', 'persistent')
                        AND o.range_from < s.range_to AND s.range_from < o.range_to)
        """;

    /// <summary>
    /// Every daily-or-longer symbol-interval's stored range with its exchange, listing date and last completed fetch
    /// (both as exchange-local dates). Symbols without an exchange zone and name, or with a zone PostgreSQL does not
    /// know, have no peers and are left out.
    /// </summary>
    public const string Ranges = """
        WITH r AS (SELECT symbol, interval, min(trade_date) AS first_date, max(trade_date) AS last_date
                   FROM sd_schema.daily_bars GROUP BY symbol, interval)
        SELECT r.symbol, r.interval, s.exchange_timezone, s.exchange_name, r.first_date, r.last_date,
               (s.first_trade_date AT TIME ZONE s.exchange_timezone)::date,
               (si.last_success_at AT TIME ZONE s.exchange_timezone)::date
        FROM r
        JOIN sd_schema.symbols s ON s.symbol = r.symbol
        LEFT JOIN sd_schema.symbol_intervals si ON si.symbol = r.symbol AND si.interval = r.interval
        WHERE s.exchange_name IS NOT NULL
          AND s.exchange_timezone IN (SELECT name FROM pg_timezone_names)
        """;

    /// <summary>Bars per exchange, interval and trade date.</summary>
    public const string BarsPerDate = """
        SELECT b.interval, s.exchange_timezone, s.exchange_name, b.trade_date, count(*)::int
        FROM sd_schema.daily_bars b JOIN sd_schema.symbols s ON s.symbol = b.symbol
        WHERE s.exchange_name IS NOT NULL AND s.exchange_timezone IS NOT NULL
        GROUP BY 1, 2, 3, 4
        """;

    /// <summary>
    /// New bar gaps: every trading date ($5..$8: interval, zone, name, date) inside a symbol's window ($1..$4 and
    /// $9..$11: symbol, interval, zone, name, from, to) without a bar. Known gaps are left as they are. Returns the count.
    /// </summary>
    public const string InsertBarGaps = """
        WITH w AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $9::date[], $10::date[])
                            AS w(symbol, interval, tz, xname, lo, hi)),
             t AS (SELECT * FROM unnest($5::text[], $6::text[], $7::text[], $8::date[]) AS t(interval, tz, xname, d)),
             ins AS (
                INSERT INTO sd_schema.quality_gaps (symbol, interval, kind, date_from, date_to, exchange_timezone, exchange_name, detected_at, updated_at)
                SELECT w.symbol, w.interval, 'bar', t.d, t.d, w.tz, w.xname, $11, $11
                FROM w JOIN t ON t.interval = w.interval AND t.tz = w.tz AND t.xname = w.xname AND t.d BETWEEN w.lo AND w.hi
                WHERE NOT EXISTS (SELECT 1 FROM sd_schema.daily_bars b WHERE b.symbol = w.symbol AND b.interval = w.interval AND b.trade_date = t.d)
                ON CONFLICT (symbol, interval, kind, date_to) DO NOTHING
                RETURNING 1)
        SELECT count(*)::int FROM ins
        """;

    /// <summary>
    /// New dividend gaps (daily bars): adj_close / close steps by more than $2 between two consecutive stored bars with
    /// no dividend, capital gain or split stored in between (after the earlier bar, up to the later one). Yahoo's
    /// adjusted close already accounts for a dividend its response left out, so the step shows where one is missing.
    /// Returns the count. $1 now.
    /// </summary>
    public const string InsertDividendGaps = """
        WITH f AS (
            SELECT b.symbol, b.interval, b.trade_date, b.adj_close / b.close AS factor,
                   lag(b.trade_date) OVER w AS prev_date, lag(b.adj_close / b.close) OVER w AS prev_factor
            FROM sd_schema.daily_bars b
            WHERE b.interval = '1d' AND b.close > 0 AND b.adj_close > 0
            WINDOW w AS (PARTITION BY b.symbol, b.interval ORDER BY b.trade_date)),
        ins AS (
            INSERT INTO sd_schema.quality_gaps (symbol, interval, kind, date_from, date_to, exchange_timezone, exchange_name, detected_at, updated_at)
            SELECT f.symbol, f.interval, 'dividend', f.prev_date + 1, f.trade_date, s.exchange_timezone, s.exchange_name, $1, $1
            FROM f JOIN sd_schema.symbols s ON s.symbol = f.symbol
            WHERE f.prev_factor IS NOT NULL AND abs(f.factor / f.prev_factor - 1) > $2
              AND s.exchange_name IS NOT NULL AND s.exchange_timezone IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM sd_schema.dividends d WHERE d.symbol = f.symbol AND d.ex_date > f.prev_date AND d.ex_date <= f.trade_date)
              AND NOT EXISTS (SELECT 1 FROM sd_schema.capital_gains c WHERE c.symbol = f.symbol AND c.ex_date > f.prev_date AND c.ex_date <= f.trade_date)
              AND NOT EXISTS (SELECT 1 FROM sd_schema.splits p WHERE p.symbol = f.symbol AND p.ex_date > f.prev_date AND p.ex_date <= f.trade_date)
            ON CONFLICT (symbol, interval, kind, date_to) DO NOTHING
            RETURNING 1)
        SELECT count(*)::int FROM ins
        """;

    /// <summary>What needs a fetch: open gaps, and flagged daily-family ranges (as exchange-local dates).</summary>
    public const string Needs = """
        SELECT g.symbol, g.interval, g.exchange_timezone, g.date_from, g.date_to, g.attempts, true AS gap
        FROM sd_schema.quality_gaps g WHERE g.status = 'open'
        UNION ALL
        SELECT q.symbol, q.interval, coalesce(s.exchange_timezone, 'UTC'), (q.range_from AT TIME ZONE 'UTC')::date,
               (q.range_to AT TIME ZONE 'UTC')::date - 1, 0, false
        FROM sd_schema.quality_suspicious q LEFT JOIN sd_schema.symbols s ON s.symbol = q.symbol
        WHERE q.status = 'flagged' AND q.interval IN ('1d', '5d', '1wk', '1mo', '3mo')
        """;

    /// <summary>A low-priority repair job ($1 interval, $2 items, $3 now).</summary>
    public const string InsertJob = """
        INSERT INTO sd_schema.fetch_jobs (priority, interval, total, created_at, updated_at) VALUES (0, $1, $2, $3, $3) RETURNING id
        """;

    /// <summary>Its items ($1 job, $2.. per item: symbol, interval, fetch from, fetch to, $7 purpose); returns their ids in input order.</summary>
    public const string InsertItems = """
        INSERT INTO sd_schema.fetch_job_items (job_id, symbol, interval, range_from, range_to, priority, created_at, updated_at, purpose)
        SELECT $1, u.symbol, u.interval, u.range_from, u.range_to, 0, $6, $6, u.purpose
        FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $7::text[])
             WITH ORDINALITY AS u(symbol, interval, range_from, range_to, purpose, ord)
        ORDER BY u.ord
        RETURNING id
        """;

    /// <summary>Open gaps and flagged ranges inside an item's dates now wait for it ($1..$5 per item: id, symbol, interval, from, to; $6 now).</summary>
    public const string Link = """
        WITH u AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::date[], $5::date[]) AS u(item, symbol, interval, lo, hi)),
        gaps AS (
            UPDATE sd_schema.quality_gaps g SET status = 'repairing', job_item_id = u.item, updated_at = $6, linked_at = now()
            FROM u WHERE g.status = 'open' AND g.symbol = u.symbol AND g.interval = u.interval AND g.date_from >= u.lo AND g.date_to <= u.hi)
        UPDATE sd_schema.quality_suspicious q SET status = 'verifying', job_item_id = u.item, updated_at = $6
        FROM u WHERE q.status = 'flagged' AND q.symbol = u.symbol AND q.interval = u.interval
          AND (q.range_from AT TIME ZONE 'UTC')::date >= u.lo AND (q.range_to AT TIME ZONE 'UTC')::date - 1 <= u.hi
        """;
}
