using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres.Reading;

/// <summary>
/// Loads one symbol's splits and cash distributions for <see cref="PriceAdjuster"/>: a handful of rows, read before the
/// bars stream. With an as-of time only the events the store had recorded by then count (recorded_at; every split
/// still serves to bring a payment's amount and previous close to the same shares), and each
/// payment's previous close is the close the store held then. Every value comes with when it was written, which is
/// what tells the adjuster whether Yahoo had already restated it for a split.
/// </summary>
internal static class AdjustmentEventReader
{
    // The previous close: the last daily ("1d") bar before the ex-date, as Yahoo takes it; failing that the last bar
    // of the interval read (a store that keeps only weekly or intraday bars). Each fallback runs only when the one
    // before found nothing (the IS NULL gate is a one-time filter), so a payment costs one index probe. An intraday
    // bar of an earlier local date starts before the ex-date's next UTC midnight in every time zone, which bounds the
    // backward scan.
    private const string PreviousCurrent = """
        LEFT JOIN LATERAL (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.daily_bars b
            WHERE b.symbol = c.symbol AND b.interval = '1d' AND b.trade_date < c.ex_date ORDER BY b.trade_date DESC LIMIT 1) p1 ON true
        LEFT JOIN LATERAL (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.daily_bars b
            WHERE p1.close IS NULL AND b.symbol = c.symbol AND b.interval = $2 AND b.trade_date < c.ex_date
            ORDER BY b.trade_date DESC LIMIT 1) p2 ON true
        LEFT JOIN LATERAL (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.intraday_bars b
            WHERE p1.close IS NULL AND p2.close IS NULL AND b.symbol = c.symbol AND b.interval = $2 AND b.trade_date < c.ex_date
              AND b.ts < (c.ex_date + 1)::timestamp AT TIME ZONE 'UTC'
            ORDER BY b.ts DESC LIMIT 1) p3 ON true
        """;

    // The same as the store held it at $3: per source the current row if written by then, else the revision that
    // covered $3 (for one key never both), the later of the two.
    private const string PreviousAsOf = """
        LEFT JOIN LATERAL (SELECT h.close, h.trade_date, h.written_at FROM (
            (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.daily_bars b
             WHERE b.symbol = c.symbol AND b.interval = '1d' AND b.trade_date < c.ex_date AND b.updated_at <= $3
             ORDER BY b.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT r.close, r.trade_date, r.valid_from FROM sd_schema.bar_revisions r
             WHERE r.symbol = c.symbol AND r.interval = '1d' AND r.trade_date < c.ex_date AND r.valid_from <= $3 AND r.revised_at > $3
             ORDER BY r.trade_date DESC LIMIT 1)) h ORDER BY h.trade_date DESC LIMIT 1) p1 ON true
        LEFT JOIN LATERAL (SELECT h.close, h.trade_date, h.written_at FROM (
            (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.daily_bars b
             WHERE p1.close IS NULL AND b.symbol = c.symbol AND b.interval = $2 AND b.trade_date < c.ex_date AND b.updated_at <= $3
             ORDER BY b.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT r.close, r.trade_date, r.valid_from FROM sd_schema.bar_revisions r
             WHERE p1.close IS NULL AND r.symbol = c.symbol AND r.interval = $2 AND r.trade_date < c.ex_date AND r.valid_from <= $3
               AND r.revised_at > $3
             ORDER BY r.trade_date DESC LIMIT 1)) h ORDER BY h.trade_date DESC LIMIT 1) p2 ON true
        LEFT JOIN LATERAL (SELECT h.close, h.trade_date, h.written_at FROM (
            (SELECT b.ts, b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.intraday_bars b
             WHERE p1.close IS NULL AND p2.close IS NULL AND b.symbol = c.symbol AND b.interval = $2 AND b.trade_date < c.ex_date
               AND b.ts < (c.ex_date + 1)::timestamp AT TIME ZONE 'UTC' AND b.updated_at <= $3
             ORDER BY b.ts DESC LIMIT 1)
            UNION ALL
            (SELECT r.ts, r.close, r.trade_date, r.valid_from FROM sd_schema.bar_revisions r
             WHERE p1.close IS NULL AND p2.close IS NULL AND r.symbol = c.symbol AND r.interval = $2 AND r.trade_date < c.ex_date
               AND r.valid_from <= $3 AND r.revised_at > $3
             ORDER BY r.ts DESC LIMIT 1)) h ORDER BY h.ts DESC LIMIT 1) p3 ON true
        """;

    private const string Previous = """
        COALESCE(p1.close, p2.close, p3.close), COALESCE(p1.trade_date, p2.trade_date, p3.trade_date),
        COALESCE(p1.written_at, p2.written_at, p3.written_at)
        """;

    // The previous close of the usual payment: a daily bar in the two weeks before the ex-date (weekends and the longest
    // market holidays fit). An unbounded backward probe cost 11 µs a payment (45 ms for 100 symbols × 10 years of
    // quarterly dividends, most of an adjusted read's fixed cost); bounded by a start it costs half that. The payments
    // it finds nothing for (a gap, a store without daily bars) take the unbounded lookups of PreviousCurrent, so the
    // answer is the same.
    private const string Current = $"""
        WITH c AS (
            SELECT symbol, ex_date, sum(amount) AS amount, max(updated_at) AS written_at FROM (
                SELECT symbol, ex_date, amount, updated_at FROM sd_schema.dividends WHERE symbol = ANY ($1) AND ex_date > $3
                UNION ALL
                SELECT symbol, ex_date, amount, updated_at FROM sd_schema.capital_gains WHERE symbol = ANY ($1) AND ex_date > $3) paid
            GROUP BY symbol, ex_date),
        near AS MATERIALIZED (
            SELECT c.symbol, c.ex_date, c.amount, c.written_at, w.close, w.trade_date, w.written_at AS close_written_at
            FROM c
            LEFT JOIN LATERAL (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.daily_bars b
                WHERE b.symbol = c.symbol AND b.interval = '1d' AND b.trade_date < c.ex_date AND b.trade_date >= c.ex_date - 14
                ORDER BY b.trade_date DESC LIMIT 1) w ON true)
        SELECT symbol, false AS is_split, ex_date, amount, written_at, close, trade_date, close_written_at, true AS known
        FROM near WHERE close IS NOT NULL
        UNION ALL
        SELECT c.symbol, false, c.ex_date, c.amount, c.written_at, {Previous}, true
        FROM near c
        {PreviousCurrent}
        WHERE c.close IS NULL
        UNION ALL
        SELECT symbol, true, ex_date, numerator / denominator, ts, NULL, NULL, NULL, true FROM sd_schema.splits WHERE symbol = ANY ($1) AND denominator > 0
        """;

    // As Current, with the close as the store held it at $3 (PreviousAsOf's two sources, each bounded to the same two
    // weeks). A row in the window from either source is the latest before the ex-date of both, as any later one would
    // be in the window too, so the answer is the unbounded lookup's.
    private const string AsOf = $"""
        WITH c AS (
            SELECT symbol, ex_date, sum(amount) AS amount, max(updated_at) AS written_at FROM (
                SELECT symbol, ex_date, amount, updated_at FROM sd_schema.dividends WHERE symbol = ANY ($1) AND recorded_at <= $3 AND ex_date > $4
                UNION ALL
                SELECT symbol, ex_date, amount, updated_at FROM sd_schema.capital_gains WHERE symbol = ANY ($1) AND recorded_at <= $3 AND ex_date > $4) paid
            GROUP BY symbol, ex_date),
        near AS MATERIALIZED (
            SELECT c.symbol, c.ex_date, c.amount, c.written_at, w.close, w.trade_date, w.written_at AS close_written_at
            FROM c
            LEFT JOIN LATERAL (SELECT h.close, h.trade_date, h.written_at FROM (
                (SELECT b.close, b.trade_date, b.updated_at AS written_at FROM sd_schema.daily_bars b
                 WHERE b.symbol = c.symbol AND b.interval = '1d' AND b.trade_date < c.ex_date AND b.trade_date >= c.ex_date - 14
                   AND b.updated_at <= $3
                 ORDER BY b.trade_date DESC LIMIT 1)
                UNION ALL
                (SELECT r.close, r.trade_date, r.valid_from FROM sd_schema.bar_revisions r
                 WHERE r.symbol = c.symbol AND r.interval = '1d' AND r.trade_date < c.ex_date AND r.trade_date >= c.ex_date - 14
                   AND r.valid_from <= $3 AND r.revised_at > $3
                 ORDER BY r.trade_date DESC LIMIT 1)) h ORDER BY h.trade_date DESC LIMIT 1) w ON true)
        SELECT symbol, false AS is_split, ex_date, amount, written_at, close, trade_date, close_written_at, true AS known
        FROM near WHERE close IS NOT NULL
        UNION ALL
        SELECT c.symbol, false, c.ex_date, c.amount, c.written_at, {Previous}, true
        FROM near c
        {PreviousAsOf}
        WHERE c.close IS NULL
        UNION ALL
        -- Every split, also those recorded later: they still tell which shares a restated amount is in.
        SELECT symbol, true, ex_date, numerator / denominator, ts, NULL, NULL, NULL, recorded_at <= $3 FROM sd_schema.splits
        WHERE symbol = ANY ($1) AND denominator > 0
        """;

    // Splits alone (adjust=splits): no payment counts, so no previous close is looked up. Every split also under an
    // as-of time, as in AsOf (recorded_at says which apply).
    private const string SplitsOnly = """
        SELECT symbol, true, ex_date, numerator / denominator, ts, NULL, NULL, NULL, true FROM sd_schema.splits WHERE symbol = ANY ($1) AND denominator > 0
        """;

    private const string SplitsOnlyAsOf = """
        SELECT symbol, true, ex_date, numerator / denominator, ts, NULL, NULL, NULL, recorded_at <= $2 FROM sd_schema.splits
        WHERE symbol = ANY ($1) AND denominator > 0
        """;

    /// <summary>One adjuster per symbol of <paramref name="symbols"/>, from one query (a request's symbols at once).</summary>
    /// <param name="from">The read's start, if any: a payment whose ex-date is before every bar read scales none of them,
    /// so its previous close is not looked up (a month of a 40-year history needs a handful, not 160 a symbol). Kept from
    /// the day before the start's UTC date: an intraday bar's exchange-local date can be a day earlier than its UTC one.
    /// Splits are all kept (few, and they bring later payments to the same shares).</param>
    public static async Task<Dictionary<string, PriceAdjuster>> LoadAsync(NpgsqlDataSource dataSource, SchemaSql schemaSql, IReadOnlyList<string> symbols,
        BarInterval interval, DateTimeOffset? asOf, PriceAdjustment adjustment, DateTimeOffset? from, CancellationToken cancellationToken)
    {
        var splitsOnly = adjustment != PriceAdjustment.All;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify((splitsOnly, asOf is null) switch
        {
            (true, true) => SplitsOnly,
            (true, false) => SplitsOnlyAsOf,
            (false, true) => Current,
            (false, false) => AsOf,
        }));
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. symbols], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        if (!splitsOnly)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval.Token });
        }

        if (asOf is { } time)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        if (!splitsOnly)
        {
            // Payments on or before this date scale no bar of the read (each scales only the bars before its ex-date).
            var firstDate = from is { } start ? DateOnly.FromDateTime(start.UtcDateTime) : DateOnly.MinValue;
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = firstDate == DateOnly.MinValue ? firstDate : firstDate.AddDays(-1) });
        }

        var events = symbols.ToDictionary(s => s, _ => (Splits: new List<SplitAdjustment>(), Shares: new List<SplitAdjustment>(), Cash: new List<CashAdjustment>()),
            StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (splits, shares, cash) = events[reader.GetString(0)];
                var exDate = reader.GetFieldValue<DateOnly>(2);
                var value = reader.GetDouble(3);
                var written = reader.GetFieldValue<DateTimeOffset>(4);
                if (reader.GetBoolean(1))
                {
                    var split = new SplitAdjustment(exDate, value, written);
                    shares.Add(split);
                    if (reader.GetBoolean(8))
                    {
                        splits.Add(split);
                    }
                }
                else if (await reader.IsDBNullAsync(5, cancellationToken))
                {
                    cash.Add(new CashAdjustment(exDate, value, double.NaN, exDate, written, written));
                }
                else
                {
                    cash.Add(new CashAdjustment(exDate, value, reader.GetDouble(5), reader.GetFieldValue<DateOnly>(6), written,
                        reader.GetFieldValue<DateTimeOffset>(7)));
                }
            }
        }

        return events.ToDictionary(e => e.Key, e => PriceAdjuster.Create(adjustment, e.Value.Splits, e.Value.Cash, e.Value.Shares), StringComparer.Ordinal);
    }
}
