-- 0009: when the store first learned of each corporate action. Append-only, like every migration.

-- Adjusted reads with as_of count only the events the store knew by then. updated_at cannot say that: Yahoo restates
-- every earlier dividend after a split (amounts are in today's shares), so the re-fetch moves updated_at of events
-- known for years. recorded_at is set on insert and never changed by the writer's merge (its UPDATE does not name it).
-- Rows from before this migration take their updated_at, the best the store knows.
ALTER TABLE dividends ADD COLUMN recorded_at timestamptz;
ALTER TABLE splits ADD COLUMN recorded_at timestamptz;
ALTER TABLE capital_gains ADD COLUMN recorded_at timestamptz;
UPDATE dividends SET recorded_at = updated_at;
UPDATE splits SET recorded_at = updated_at;
UPDATE capital_gains SET recorded_at = updated_at;
ALTER TABLE dividends ALTER COLUMN recorded_at SET DEFAULT now(), ALTER COLUMN recorded_at SET NOT NULL;
ALTER TABLE splits ALTER COLUMN recorded_at SET DEFAULT now(), ALTER COLUMN recorded_at SET NOT NULL;
ALTER TABLE capital_gains ALTER COLUMN recorded_at SET DEFAULT now(), ALTER COLUMN recorded_at SET NOT NULL;
