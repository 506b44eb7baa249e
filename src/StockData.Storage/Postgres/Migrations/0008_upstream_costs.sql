-- 0008: what upstream requests buy. Append-only, like every migration.

-- Dates Yahoo answered with a row whose every field was null (the parser drops it: rule R2, all_null). No bar is
-- stored; the mark says "the upstream was asked and has nothing here", so the gap rule confirms such a date missing
-- after one re-check instead of MaxAttempts fetches. Cleared when a later fetch stores a real bar for the date.
CREATE TABLE quality_null_rows (
    symbol        text        NOT NULL,
    interval      text        NOT NULL,
    trade_date    date        NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    times_seen    integer     NOT NULL DEFAULT 1,
    PRIMARY KEY (symbol, interval, trade_date)
);

-- Why a gap is confirmed missing ('upstream sends no data': a null row seen again by its re-check; 'absent after
-- repeated fetches': MaxAttempts fetches lacked it). linked_at: the database time the gap was handed to its current
-- repair fetch, so a null row seen after it was seen by that fetch (both database clocks).
ALTER TABLE quality_gaps ADD COLUMN reason text, ADD COLUMN linked_at timestamptz;

-- What a low-priority item fetches for: 'repair' (it covers a gap) or 'verification' (flagged ranges only); the
-- budget counts its requests under it. NULL for items of submitted jobs.
ALTER TABLE fetch_job_items ADD COLUMN purpose text;

-- Upstream requests sent, per egress, purpose (schedule, job, refresh, repair, verification, ...) and minute: every
-- replica adds its counts in batches, so `stockdata budget` sums the last 24 hours across replicas and restarts.
CREATE TABLE upstream_requests (
    egress   text        NOT NULL,
    purpose  text        NOT NULL,
    minute   timestamptz NOT NULL,
    requests bigint      NOT NULL,
    PRIMARY KEY (egress, purpose, minute)
);
CREATE INDEX upstream_requests_minute ON upstream_requests (minute);
