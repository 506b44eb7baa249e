-- 0013: the writer counts the rows it COPYs straight into a bars table itself. Append-only.
--
-- Why: the writer COPYs a batch of fresh history before it waits for the batch holding the same fetch's earlier rows
-- (so the two batches' COPYs overlap on two backends) and only then writes the symbol rows and commits. The insert
-- trigger would lock the fetch's bar_counts row at the end of that COPY, the row the earlier batch may still need for
-- its own merge: the earlier batch would wait on this one's lock while this one waits for the earlier batch's commit,
-- a cycle PostgreSQL cannot see. So during those COPYs the writer sets stockdata.writer_counts for its transaction
-- (SET LOCAL) and adds the counts itself after its wait, in key order like the trigger; it resets the setting before
-- anything else it writes, so its merges and every other path are still counted here.
CREATE OR REPLACE FUNCTION bar_counts_added() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('stockdata.writer_counts', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO bar_counts AS c (symbol, interval, rows)
    SELECT symbol, interval, count(*) FROM added GROUP BY symbol, interval ORDER BY symbol, interval
    ON CONFLICT (symbol, interval) DO UPDATE SET rows = c.rows + EXCLUDED.rows;
    RETURN NULL;
END $$;
