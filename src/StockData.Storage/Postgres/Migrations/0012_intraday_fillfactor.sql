-- 0012: the leaf partitions of intraday_bars keep half of every page free, so a changed bar is rewritten in place (a
-- HOT update: the new version on the old one's page, no new primary-key entry), as daily_bars does since 0006.
--
-- PostgreSQL 15 refuses heap storage parameters on a partitioned table, so the fillfactor goes on every leaf: the month
-- partitions and the DEFAULT partitions that exist now (below), and every month partition intraday_partition_ensure
-- creates from now on. The number lives in intraday_leaf_fillfactor() alone. Why half, not less room: a full revision
-- (a split, a provider's correction of a whole session) rewrites every row of a page in one statement, and the old
-- versions cannot be pruned while that statement's transaction runs, so a page needs room for a second copy of all its
-- rows; with 70 only 43 % of such updates stayed on their page, with 80 a quarter, and the table ended larger than with
-- 50. Measured, with the price in table size: docs/performance.md, "Writer on partitioned intraday_bars".
--
-- ALTER TABLE … SET (fillfactor) takes a SHARE UPDATE EXCLUSIVE lock (writers and readers go on) and changes only the
-- pages written from then on: rows already stored stay packed until their partition is rewritten (VACUUM FULL, which
-- locks it) or dropped by retention, which this migration deliberately does not do. New month partitions start with it.
CREATE FUNCTION intraday_leaf_fillfactor() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 50';

DO $$
DECLARE
    leaf regclass;
BEGIN
    FOR leaf IN SELECT c.oid::regclass
                FROM pg_inherits si
                JOIN pg_inherits ci ON ci.inhparent = si.inhrelid
                JOIN pg_class c ON c.oid = ci.inhrelid
                WHERE si.inhparent = 'intraday_bars'::regclass AND c.relkind = 'r'
    LOOP
        EXECUTE format('ALTER TABLE %s SET (fillfactor = %s)', leaf, intraday_leaf_fillfactor());
    END LOOP;
END $$;

-- As in 0011, with the fillfactor on the new month partition (the rows moved in from the DEFAULT partition follow it).
CREATE OR REPLACE FUNCTION intraday_partition_ensure(p_interval text, p_month date) RETURNS bigint
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
    create_leaf text        := format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L) WITH (fillfactor = %s)',
                                      leaf, parent, lo_text, hi_text, intraday_leaf_fillfactor());
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
        EXECUTE create_leaf;
    ELSE
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, dflt);
        EXECUTE create_leaf;
        EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE ts >= $1 AND ts < $2', leaf, dflt) USING lo, hi;
        EXECUTE format('DELETE FROM %I WHERE ts >= $1 AND ts < $2', dflt) USING lo, hi;
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, dflt);
    END IF;
    RETURN moved;
END $$;
