-- 0003: daemon mode (issue 6). Append-only, like every migration.

-- next_fetch_at NULL now means "not in the refresh schedule". Only `symbols add` / `symbols import` put a
-- symbol-interval on the schedule (and `symbols remove` takes it off, keeping its watermark and bars). The rows the
-- writer and the reject recorder create for a replayed, job-fetched or HTTP-refreshed symbol therefore stay off it:
-- a one-off fetch never silently joins the daemon's refresh cycle. Rows that exist already stay scheduled.
ALTER TABLE symbol_intervals ALTER COLUMN next_fetch_at DROP DEFAULT;
ALTER TABLE symbol_intervals ALTER COLUMN next_fetch_at DROP NOT NULL;

-- The claim query walks the schedule in next_fetch_at order; unscheduled rows never match it.
DROP INDEX symbol_intervals_due;
CREATE INDEX symbol_intervals_due ON symbol_intervals (next_fetch_at) WHERE next_fetch_at IS NOT NULL;

-- Leases held by a replica: renewals, the shutdown release and the lease gauge look rows up by owner.
CREATE INDEX symbol_intervals_lease ON symbol_intervals (lease_owner) WHERE lease_owner IS NOT NULL;

-- Job items whose worker died: found by their expired lease and handed out again.
CREATE INDEX fetch_job_items_running ON fetch_job_items (lease_until) WHERE status = 'running';

-- `jobs list` (newest first) and the job status filter.
CREATE INDEX fetch_jobs_status ON fetch_jobs (status, id DESC);
