-- 0005: bar_revisions without its bigserial id. Append-only, like every migration.

-- Nothing reads or references the id (revisions are looked up by symbol, interval and date through
-- bar_revisions_lookup), but every revision paid for it: a sequence call and a primary-key index insert, about
-- 8 ms of server CPU per 5,000 changed bars, an eighth of the merge (docs/performance.md, Writer). A full
-- re-fetch after a split rewrites a symbol's whole history, so that case is the common bulk one.
ALTER TABLE bar_revisions DROP COLUMN id;
