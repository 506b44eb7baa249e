-- 0010: stored rows per symbol and interval, kept by triggers, for the coverage listing (GET /symbols). Append-only.
--
-- Counting a page of the universe at read time is too slow: count(*) over the primary key of the demo store
-- (1.28 M daily bars, 495 symbols) took 1.2-2.1 s for the whole universe and 0.2-0.3 s per 100 symbols, mostly heap
-- visits, because the writer's updates keep clearing the visibility map that an index-only scan needs
-- (docs/data-access-catalog.md). A counter per key is read in one probe instead.
--
-- Statement-level triggers with transition tables, not the writer: every path that adds or removes bars (the writer's
-- merges, repairs, a hand-run DELETE, a test's INSERT … SELECT) keeps the counter right, and a merge statement pays
-- one GROUP BY over the rows it inserted, not a trigger call per row. Updates never change a bar's key, so only
-- inserts, deletes and truncation move a count. A separate table, not a symbol_intervals column: bars may be stored
-- for a symbol-interval that has no symbol_intervals row yet (or no symbols row), and the counter rows are locked
-- only by writers of the same bars, never by the daemon's claims and lease renewals. Rows are upserted in key order,
-- the order the bars themselves are merged in, so two writers queue rather than deadlock.
CREATE TABLE bar_counts (
    symbol   text   NOT NULL,
    interval text   NOT NULL,
    rows     bigint NOT NULL,
    PRIMARY KEY (symbol, interval)
);

INSERT INTO bar_counts (symbol, interval, rows)
SELECT symbol, interval, count(*) FROM daily_bars GROUP BY symbol, interval
UNION ALL
SELECT symbol, interval, count(*) FROM intraday_bars GROUP BY symbol, interval;

-- SET search_path FROM CURRENT: the body finds bar_counts in this schema whatever the caller's search_path.
CREATE FUNCTION bar_counts_added() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO bar_counts AS c (symbol, interval, rows)
    SELECT symbol, interval, count(*) FROM added GROUP BY symbol, interval ORDER BY symbol, interval
    ON CONFLICT (symbol, interval) DO UPDATE SET rows = c.rows + EXCLUDED.rows;
    RETURN NULL;
END $$;

CREATE FUNCTION bar_counts_removed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE bar_counts c SET rows = c.rows - r.n
    FROM (SELECT symbol, interval, count(*) AS n FROM removed GROUP BY symbol, interval) r
    WHERE c.symbol = r.symbol AND c.interval = r.interval;
    RETURN NULL;
END $$;

CREATE FUNCTION bar_counts_truncated() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM bar_counts WHERE (interval IN ('1d', '5d', '1wk', '1mo', '3mo')) = (TG_TABLE_NAME = 'daily_bars');
    RETURN NULL;
END $$;

CREATE TRIGGER daily_bars_added AFTER INSERT ON daily_bars
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_added();
CREATE TRIGGER daily_bars_removed AFTER DELETE ON daily_bars
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_removed();
CREATE TRIGGER daily_bars_truncated AFTER TRUNCATE ON daily_bars
    FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_truncated();
CREATE TRIGGER intraday_bars_added AFTER INSERT ON intraday_bars
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_added();
CREATE TRIGGER intraday_bars_removed AFTER DELETE ON intraday_bars
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_removed();
CREATE TRIGGER intraday_bars_truncated AFTER TRUNCATE ON intraday_bars
    FOR EACH STATEMENT EXECUTE FUNCTION bar_counts_truncated();
