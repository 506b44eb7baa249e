-- 0004: data quality (issue 10). Append-only, like every migration.

-- What a quality scan found missing from a symbol's stored daily-or-longer history (docs/data-quality.md):
--   kind 'bar':      a trading date of the symbol's exchange (most of its peers have a bar) without a bar;
--   kind 'dividend': a step in adj_close / close with no dividend or capital gain stored in (date_from, date_to].
-- status: open (needs a repair fetch) -> repairing (job_item_id names the low-priority fetch item) -> repaired (the
-- data is stored now), or back to open after a fetch that still lacked it, until `attempts` such fetches make it
-- confirmed_missing (a halt, or data Yahoo does not have): never retried, still shown by `quality report`.
CREATE TABLE quality_gaps (
    symbol            text        NOT NULL,
    interval          text        NOT NULL,
    kind              text        NOT NULL CHECK (kind IN ('bar', 'dividend')),
    date_from         date        NOT NULL,
    date_to           date        NOT NULL,
    exchange_timezone text        NOT NULL,
    exchange_name     text        NOT NULL,
    status            text        NOT NULL DEFAULT 'open'
                                  CHECK (status IN ('open', 'repairing', 'repaired', 'confirmed_missing')),
    attempts          integer     NOT NULL DEFAULT 0,
    job_item_id       bigint,
    detected_at       timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    resolved_at       timestamptz,
    PRIMARY KEY (symbol, interval, kind, date_to)
);
CREATE INDEX quality_gaps_unresolved ON quality_gaps (status) WHERE status IN ('open', 'repairing');

-- Responses that covered stored data and lacked some of it (fewer bars in their range than stored there, or a stored
-- dividend or split missing). Written by the bar writer in the batch's own transaction; the stored data stays.
-- status: flagged -> verifying (one low-priority re-fetch of the range) -> verified; a range flagged again after it
-- was re-fetched once is 'persistent' and not re-fetched again.
CREATE TABLE quality_suspicious (
    id                bigserial   PRIMARY KEY,
    symbol            text        NOT NULL,
    interval          text        NOT NULL,
    range_from        timestamptz NOT NULL,
    range_to          timestamptz NOT NULL,
    response_bars     integer     NOT NULL,
    stored_bars       integer     NOT NULL,
    missing_dividends integer     NOT NULL DEFAULT 0,
    missing_splits    integer     NOT NULL DEFAULT 0,
    status            text        NOT NULL DEFAULT 'flagged'
                                  CHECK (status IN ('flagged', 'verifying', 'verified', 'persistent')),
    job_item_id       bigint,
    detected_at       timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quality_suspicious_symbol ON quality_suspicious (symbol, interval, range_from);
CREATE INDEX quality_suspicious_open ON quality_suspicious (status) WHERE status IN ('flagged', 'verifying');
