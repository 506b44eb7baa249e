-- 0001: the initial schema. Append-only: never edit a migration after it has landed; add the next number.
-- Every table lands in the data source's search_path schema (StockData:Storage:Schema).

-- The universe: one row per symbol, with the meta fields the store keeps.
CREATE TABLE symbols (
    symbol            text        PRIMARY KEY CHECK (length(symbol) BETWEEN 1 AND 32),
    currency          text,                  -- verbatim: 'GBp' stays 'GBp' (pence)
    instrument_type   text,
    exchange_name     text,
    exchange_timezone text,                  -- IANA zone, e.g. America/New_York
    first_trade_date  timestamptz,
    status            text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'not_found', 'failing')),
    last_error        text,
    added_at          timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Per symbol and interval: the watermark (last stored bar), the schedule and the lease.
CREATE TABLE symbol_intervals (
    symbol               text        NOT NULL REFERENCES symbols (symbol) ON DELETE CASCADE,
    interval             text        NOT NULL,
    watermark            timestamptz,        -- timestamp of the last committed bar; never ahead of committed data
    next_fetch_at        timestamptz NOT NULL DEFAULT now(),
    lease_owner          text,
    lease_until          timestamptz,
    full_refetch_pending boolean     NOT NULL DEFAULT false,
    full_refetch_reason  text,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    last_fetch_at        timestamptz,
    last_success_at      timestamptz,
    PRIMARY KEY (symbol, interval)
);
CREATE INDEX symbol_intervals_due ON symbol_intervals (next_fetch_at);

-- Bars, one table per interval family, because each family has its own natural key:
-- daily and longer bars are keyed by the exchange-local trade date (Yahoo stamps today's live bar at the last
-- trade time and the same date later at the session open: that must replace the row, not add one);
-- intraday bars are keyed by their UTC timestamp. A real primary key per family keeps ON CONFLICT simple.
CREATE TABLE daily_bars (
    symbol     text        NOT NULL,
    interval   text        NOT NULL CHECK (interval IN ('1d', '5d', '1wk', '1mo', '3mo')),
    trade_date date        NOT NULL,
    ts         timestamptz NOT NULL,
    open       float8      NOT NULL,
    high       float8      NOT NULL,
    low        float8      NOT NULL,
    close      float8      NOT NULL,
    adj_close  float8,
    volume     bigint,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, interval, trade_date)
);

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
);

-- One relation for readers.
CREATE VIEW bars AS
    SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at FROM daily_bars
    UNION ALL
    SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume, updated_at FROM intraday_bars;

-- The values a bar held before a change: valid from valid_from (the old row's updated_at) until revised_at.
-- "What did the store hold at T" = the revision with valid_from <= T < revised_at, else the current row.
CREATE TABLE bar_revisions (
    id          bigserial   PRIMARY KEY,
    symbol      text        NOT NULL,
    interval    text        NOT NULL,
    ts          timestamptz NOT NULL,
    trade_date  date        NOT NULL,
    open        float8      NOT NULL,
    high        float8      NOT NULL,
    low         float8      NOT NULL,
    close       float8      NOT NULL,
    adj_close   float8,
    volume      bigint,
    valid_from  timestamptz NOT NULL,
    revised_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bar_revisions_lookup ON bar_revisions (symbol, interval, trade_date, revised_at);

-- Corporate actions, per symbol and exchange-local ex-date.
CREATE TABLE dividends (
    symbol     text        NOT NULL,
    ex_date    date        NOT NULL,
    ts         timestamptz NOT NULL,
    amount     float8      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ex_date)
);

CREATE TABLE splits (
    symbol      text        NOT NULL,
    ex_date     date        NOT NULL,
    ts          timestamptz NOT NULL,
    numerator   float8      NOT NULL,
    denominator float8      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ex_date)
);

CREATE TABLE capital_gains (
    symbol     text        NOT NULL,
    ex_date    date        NOT NULL,
    ts         timestamptz NOT NULL,
    amount     float8      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ex_date)
);

-- Submitted fetch jobs and their items. priority: 2 = high, 1 = normal, 0 = low (gap repairs).
CREATE TABLE fetch_jobs (
    id          bigserial   PRIMARY KEY,
    status      text        NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    priority    smallint    NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 2),
    interval    text        NOT NULL,
    range_from  timestamptz,
    range_to    timestamptz,
    total       integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE fetch_job_items (
    id             bigserial   PRIMARY KEY,
    job_id         bigint      NOT NULL REFERENCES fetch_jobs (id) ON DELETE CASCADE,
    symbol         text        NOT NULL,
    interval       text        NOT NULL,
    range_from     timestamptz,
    range_to       timestamptz,
    priority       smallint    NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 2),
    status         text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts       integer     NOT NULL DEFAULT 0,
    error_category text,
    error_detail   text,
    lease_owner    text,
    lease_until    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, symbol, interval)
);
CREATE INDEX fetch_job_items_claim ON fetch_job_items (priority DESC, id) WHERE status = 'pending';

-- Per-symbol failures: what was rejected, when and why (category as in the parsing contract).
CREATE TABLE fetch_rejects (
    id          bigserial   PRIMARY KEY,
    symbol      text        NOT NULL,
    interval    text,
    rejected_at timestamptz NOT NULL DEFAULT now(),
    category    text        NOT NULL,
    detail      text,
    job_item_id bigint
);
CREATE INDEX fetch_rejects_symbol ON fetch_rejects (symbol, rejected_at DESC);
