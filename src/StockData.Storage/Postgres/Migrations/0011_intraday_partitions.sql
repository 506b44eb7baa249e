-- 0011: intraday_bars partitioned by interval (LIST) and then by month of ts (RANGE, UTC), so retention per interval
-- drops whole partitions instead of deleting rows. Append-only.
--
-- Why interval first: retention is per interval (1m bars kept 90 days, 1h bars for years), and a partition can only be
-- dropped when every row in it has expired; a month shared by all intervals would expire only with the longest-kept
-- interval. Why months: a month of 1m bars for a few thousand symbols is tens of millions of rows, a size a DROP
-- handles at once, and it keeps the partition count (and so planning time) low; docs/scaling.md, "Partitioned
-- intraday bars and retention", has the measurement behind the choice.
--
-- Every interval has a DEFAULT partition that catches rows for a month without its own partition (old history older
-- than the months created behind, or a clock far ahead). Using it is an alarm, not a failure: the maintenance run
-- (stockdata migrate, stockdata retention, the daemon) moves such rows into a new month partition and counts them.
--
-- The existing table is renamed, its rows copied into the partitioned one, then dropped, all in the migration's one
-- transaction. Copying happens before the bar_counts triggers exist on the new table (the counters already hold
-- these rows), and dropping the old table fires no trigger, so the counters stay exactly as they were.
ALTER TABLE intraday_bars RENAME TO intraday_bars_unpartitioned;
ALTER TABLE intraday_bars_unpartitioned RENAME CONSTRAINT intraday_bars_pkey TO intraday_bars_unpartitioned_pkey;
-- The view is bound to the old table; it is recreated unchanged below.
DROP VIEW bars;

CREATE TABLE intraday_bars (
    symbol     text        NOT NULL,
    interval   text        NOT NULL CHECK (interval IN ('1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h')),
    ts         timestamptz NOT NULL,
    trade_date date        NOT NULL,
    open       float8      NOT NULL,
    high       float8      NOT NULL,
    low        float8      NOT NULL,
    close      float8      NOT NULL,
    adj_close  float8,
    volume     bigint,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, interval, ts)
) PARTITION BY LIST (interval);

DO $$
DECLARE
    iv text;
BEGIN
    FOREACH iv IN ARRAY ARRAY['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h'] LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF intraday_bars FOR VALUES IN (%L) PARTITION BY RANGE (ts)', 'intraday_bars_' || iv, iv);
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', 'intraday_bars_' || iv || '_default', 'intraday_bars_' || iv);
    END LOOP;
END $$;

-- The month partition of one interval that holds p_month (any day of it), created when missing. Rows of that month
-- already in the interval's DEFAULT partition are moved into it: PostgreSQL refuses to create a partition whose range
-- has rows in the default, so the default is detached, the new partition created, the rows copied into it and deleted
-- from the default, and the default attached again, in the caller's transaction. The copy and the delete name the
-- partitions themselves, not intraday_bars, so the bar_counts statement triggers do not fire: the rows move, the
-- counts stay. Returns NULL when the partition existed, else the rows moved out of the default (0 usually).
-- Concurrent callers serialise on the interval's partitioned table (locked before the re-check).
CREATE FUNCTION intraday_partition_ensure(p_interval text, p_month date) RETURNS bigint
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    parent      text        := 'intraday_bars_' || p_interval;
    leaf        text        := format('intraday_bars_%s_%s', p_interval, to_char(date_trunc('month', p_month::timestamp), 'YYYY_MM'));
    dflt        text        := 'intraday_bars_' || p_interval || '_default';
    lo          timestamptz := date_trunc('month', p_month::timestamp)::timestamp AT TIME ZONE 'UTC';
    hi          timestamptz := (date_trunc('month', p_month::timestamp) + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    -- Bounds as ISO text with an explicit UTC offset, whatever the session's DateStyle and TimeZone.
    lo_text     text        := to_char(date_trunc('month', p_month::timestamp), 'YYYY-MM-DD') || ' 00:00:00+00';
    hi_text     text        := to_char(date_trunc('month', p_month::timestamp) + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
    moved       bigint;
BEGIN
    IF to_regclass(parent) IS NULL THEN
        RAISE EXCEPTION 'intraday interval % has no partitioned table %', p_interval, parent;
    END IF;
    IF to_regclass(leaf) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', parent);
    IF to_regclass(leaf) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT count(*) FROM %I WHERE ts >= $1 AND ts < $2', dflt) INTO moved USING lo, hi;
    IF moved = 0 THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', leaf, parent, lo_text, hi_text);
    ELSE
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, dflt);
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', leaf, parent, lo_text, hi_text);
        EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE ts >= $1 AND ts < $2', leaf, dflt) USING lo, hi;
        EXECUTE format('DELETE FROM %I WHERE ts >= $1 AND ts < $2', dflt) USING lo, hi;
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, dflt);
    END IF;
    RETURN moved;
END $$;

-- Drops one month partition of one interval, taking its rows off bar_counts in the same transaction (a DROP fires no
-- DELETE trigger). Returns the rows dropped, NULL when there was no such partition. The interval's partitioned table
-- is locked first, the order every statement through intraday_bars takes, so a concurrent writer queues instead of
-- deadlocking.
CREATE FUNCTION intraday_partition_drop(p_interval text, p_month date) RETURNS bigint
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    parent  text := 'intraday_bars_' || p_interval;
    leaf    text := format('intraday_bars_%s_%s', p_interval, to_char(date_trunc('month', p_month::timestamp), 'YYYY_MM'));
    dropped bigint;
BEGIN
    IF to_regclass(leaf) IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', parent);
    IF to_regclass(leaf) IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('WITH gone AS (SELECT symbol, interval, count(*) AS n FROM %I GROUP BY symbol, interval),
                         counted AS (UPDATE bar_counts c SET rows = c.rows - g.n FROM gone g
                                     WHERE c.symbol = g.symbol AND c.interval = g.interval)
                    SELECT COALESCE(sum(n), 0)::bigint FROM gone', leaf) INTO dropped;
    EXECUTE format('DROP TABLE %I', leaf);
    RETURN dropped;
END $$;

-- Rows waiting in each interval's DEFAULT partition, by month: what the next maintenance run moves (and alarms on).
CREATE FUNCTION intraday_default_months() RETURNS TABLE (bar_interval text, month date, row_count bigint)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    iv text;
BEGIN
    FOREACH iv IN ARRAY ARRAY['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h'] LOOP
        RETURN QUERY EXECUTE format(
            'SELECT %L::text, date_trunc(''month'', ts AT TIME ZONE ''UTC'')::date, count(*) FROM %I GROUP BY 2 ORDER BY 2',
            iv, 'intraday_bars_' || iv || '_default');
    END LOOP;
END $$;

-- The month partitions that exist, with their bounds and the planner's row estimate (reltuples; -1 before the first
-- ANALYZE): what retention may drop.
CREATE VIEW intraday_partitions AS
SELECT (regexp_match(pg_get_expr(s.relpartbound, s.oid), 'IN \(''([^'']+)''\)'))[1]                         AS interval,
       c.relname::text                                                                                     AS name,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz        AS range_from,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz          AS range_to,
       c.reltuples::bigint                                                                                 AS estimated_rows
FROM pg_inherits si
JOIN pg_class s ON s.oid = si.inhrelid
JOIN pg_inherits ci ON ci.inhparent = s.oid
JOIN pg_class c ON c.oid = ci.inhrelid
WHERE si.inhparent = 'intraday_bars'::regclass
  AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT';

-- Partitions for every month the existing rows fall in, and for this month and the next two (the maintenance run
-- keeps creating ahead from then on, by StockData:Retention:PartitionMonthsAhead).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT u.interval AS iv, date_trunc('month', u.ts AT TIME ZONE 'UTC')::date AS m FROM intraday_bars_unpartitioned u
             UNION
             SELECT iv, (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => k))::date
             FROM unnest(ARRAY['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h']) AS iv, generate_series(0, 2) AS k
    LOOP
        PERFORM intraday_partition_ensure(r.iv, r.m);
    END LOOP;
END $$;

INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at)
SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at FROM intraday_bars_unpartitioned;

DROP TABLE intraday_bars_unpartitioned;

CREATE VIEW bars AS
    SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at FROM daily_bars
    UNION ALL
    SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at FROM intraday_bars;

-- Statement triggers on the partitioned table see the rows of every partition a statement through intraday_bars
-- touches (transition tables included); TRUNCATE intraday_bars fires its own trigger too.
CREATE TRIGGER intraday_bars_added AFTER INSERT ON intraday_bars
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_added();
CREATE TRIGGER intraday_bars_removed AFTER DELETE ON intraday_bars
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_removed();
CREATE TRIGGER intraday_bars_truncated AFTER TRUNCATE ON intraday_bars
    FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_truncated();
