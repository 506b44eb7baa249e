-- 0007: revisions kept as one row per symbol, interval and merge (arrays of the replaced bars), read through a view
-- named bar_revisions that has the old one-row-per-bar shape.
--
-- Revisions come in bulk: a dividend changes the adjusted close of a symbol's whole history, a split every price, so
-- one merge replaces thousands of one symbol's bars at once. As one row per bar, every revision paid a tuple header
-- and an entry in bar_revisions_lookup; the index insert alone cost twice the row's own insert, about a third of the
-- all-changed merge (docs/performance.md, Writer). As arrays, a merge writes one row per symbol and interval, one
-- index entry for thousands of bars.
-- Reads (the bars endpoint's as_of) find a symbol's sets by (symbol, interval, revised_at) and unnest only those.
-- STORAGE EXTERNAL: the arrays are float and timestamp data that pglz barely compresses, and trying cost more than the
-- insert itself; they are moved out of line uncompressed.
CREATE TABLE bar_revision_sets (
    symbol     text          NOT NULL,
    interval   text          NOT NULL,
    revised_at timestamptz   NOT NULL,
    -- Element i of every array below is one replaced bar; all arrays have the same length.
    ts         timestamptz[] NOT NULL,
    trade_date date[]        NOT NULL,
    open       float8[]      NOT NULL,
    high       float8[]      NOT NULL,
    low        float8[]      NOT NULL,
    close      float8[]      NOT NULL,
    adj_close  float8[]      NOT NULL,  -- elements may be NULL, like bars.adj_close
    volume     bigint[]      NOT NULL,  -- elements may be NULL, like bars.volume
    valid_from timestamptz[] NOT NULL   -- when each replaced value was written (its updated_at)
);

ALTER TABLE bar_revision_sets
    ALTER COLUMN ts SET STORAGE EXTERNAL,
    ALTER COLUMN trade_date SET STORAGE EXTERNAL,
    ALTER COLUMN open SET STORAGE EXTERNAL,
    ALTER COLUMN high SET STORAGE EXTERNAL,
    ALTER COLUMN low SET STORAGE EXTERNAL,
    ALTER COLUMN close SET STORAGE EXTERNAL,
    ALTER COLUMN adj_close SET STORAGE EXTERNAL,
    ALTER COLUMN volume SET STORAGE EXTERNAL,
    ALTER COLUMN valid_from SET STORAGE EXTERNAL;

CREATE INDEX bar_revision_sets_lookup ON bar_revision_sets (symbol, interval, revised_at);

-- Existing revisions move over, one set per symbol, interval and revision time (one merge's rows share revised_at).
INSERT INTO bar_revision_sets (symbol, interval, revised_at, ts, trade_date, open, high, low, close, adj_close, volume, valid_from)
SELECT symbol, interval, revised_at, array_agg(ts ORDER BY trade_date, ts), array_agg(trade_date ORDER BY trade_date, ts),
       array_agg(open ORDER BY trade_date, ts), array_agg(high ORDER BY trade_date, ts), array_agg(low ORDER BY trade_date, ts),
       array_agg(close ORDER BY trade_date, ts), array_agg(adj_close ORDER BY trade_date, ts),
       array_agg(volume ORDER BY trade_date, ts), array_agg(valid_from ORDER BY trade_date, ts)
FROM bar_revisions
GROUP BY symbol, interval, revised_at;

DROP TABLE bar_revisions;

CREATE VIEW bar_revisions AS
SELECT s.symbol, s.interval, r.ts, r.trade_date, r.open, r.high, r.low, r.close, r.adj_close, r.volume, r.valid_from, s.revised_at
FROM bar_revision_sets s
CROSS JOIN LATERAL unnest(s.ts, s.trade_date, s.open, s.high, s.low, s.close, s.adj_close, s.volume, s.valid_from)
    AS r(ts, trade_date, open, high, low, close, adj_close, volume, valid_from);
