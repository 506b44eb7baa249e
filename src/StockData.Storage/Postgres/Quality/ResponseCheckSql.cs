namespace StockData.Storage.Postgres.Quality;

/// <summary>
/// The suspicious-response check's statements: one per interval family, appended to the writer's statement batch
/// after the merges (same round trip, same transaction). They only insert flags; they never touch bars or events.
/// </summary>
/// <remarks>
/// After the merge the family table holds the stored rows plus the response's, so "more rows stored in the response's
/// range than the response has" means exactly "the response lacked stored rows". The count is an index range scan
/// on the primary key over rows the merge has just visited (hot in shared buffers); a whole-fetch re-merge of one
/// symbol counts its 2,520 keys once.
/// </remarks>
public static class ResponseCheckSql
{
    /// <summary>
    /// Daily family: $1 symbols, $2 intervals, $3/$4 the first and last trade date of each response part, $5 its bar
    /// count, $6 whether it carried the response's events; $7/$8 and $9/$10 the (symbol, ex_date) of the dividends and
    /// splits those parts carried. A stored dividend or split inside a part's dates that the part lacks counts as missing.
    /// The flagged range is stored as UTC midnights: [first trade date, last trade date + 1 day).
    /// </summary>
    public const string Daily = """
        INSERT INTO sd_schema.quality_suspicious (symbol, interval, range_from, range_to, response_bars, stored_bars, missing_dividends, missing_splits)
        SELECT u.symbol, u.interval, u.lo::timestamp AT TIME ZONE 'UTC', (u.hi + 1)::timestamp AT TIME ZONE 'UTC', u.n, s.stored,
               dv.missing, sp.missing
        FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::int[], $6::bool[]) AS u(symbol, interval, lo, hi, n, events)
        CROSS JOIN LATERAL (SELECT count(*)::int AS stored FROM sd_schema.daily_bars b
                            WHERE b.symbol = u.symbol AND b.interval = u.interval AND b.trade_date BETWEEN u.lo AND u.hi) s
        CROSS JOIN LATERAL (SELECT count(*)::int AS missing FROM sd_schema.dividends d
                            WHERE u.events AND d.symbol = u.symbol AND d.ex_date BETWEEN u.lo AND u.hi
                              AND NOT EXISTS (SELECT 1 FROM unnest($7::text[], $8::date[]) AS r(symbol, ex_date)
                                              WHERE r.symbol = d.symbol AND r.ex_date = d.ex_date)) dv
        CROSS JOIN LATERAL (SELECT count(*)::int AS missing FROM sd_schema.splits p
                            WHERE u.events AND p.symbol = u.symbol AND p.ex_date BETWEEN u.lo AND u.hi
                              AND NOT EXISTS (SELECT 1 FROM unnest($9::text[], $10::date[]) AS r(symbol, ex_date)
                                              WHERE r.symbol = p.symbol AND r.ex_date = p.ex_date)) sp
        WHERE s.stored > u.n OR dv.missing > 0 OR sp.missing > 0
        """;

    /// <summary>
    /// Intraday family: $1 symbols, $2 intervals, $3/$4 the first and last bar time of each part, $5 its bar count;
    /// $6 the distinct intervals and $7/$8 the earliest first and latest last bar time of all parts. Those three add
    /// nothing to the result (every part lies inside them) but let the planner leave out, at plan time, every partition
    /// of intraday_bars the batch cannot touch; the per-part bounds come from the unnest and prune only at run time,
    /// after every month partition of every interval was planned.
    /// </summary>
    public const string Intraday = """
        INSERT INTO sd_schema.quality_suspicious (symbol, interval, range_from, range_to, response_bars, stored_bars)
        SELECT u.symbol, u.interval, u.lo, u.hi, u.n, s.stored
        FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[]) AS u(symbol, interval, lo, hi, n)
        CROSS JOIN LATERAL (SELECT count(*)::int AS stored FROM sd_schema.intraday_bars b
                            WHERE b.symbol = u.symbol AND b.interval = u.interval AND b.ts BETWEEN u.lo AND u.hi
                              AND b.interval = ANY($6::text[]) AND b.ts BETWEEN $7 AND $8) s
        WHERE s.stored > u.n
        """;
}
