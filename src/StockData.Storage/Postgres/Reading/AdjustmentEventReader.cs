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
    // of the interval read (a store that keeps only weekly or intraday bars). An intraday bar of an earlier local date
    // starts before the ex-date's next UTC midnight in every time zone, which bounds the backward index scan.
    private const string PreviousCurrent = """
        SELECT p.close, p.trade_date, p.written_at FROM (
            (SELECT 1 AS pick, b.close, b.trade_date, b.updated_at AS written_at FROM daily_bars b
             WHERE b.symbol = $1 AND b.interval = '1d' AND b.trade_date < c.ex_date ORDER BY b.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT 2, b.close, b.trade_date, b.updated_at FROM daily_bars b
             WHERE b.symbol = $1 AND b.interval = $2 AND b.trade_date < c.ex_date ORDER BY b.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT 3, b.close, b.trade_date, b.updated_at FROM intraday_bars b
             WHERE b.symbol = $1 AND b.interval = $2 AND b.trade_date < c.ex_date
               AND b.ts < (c.ex_date + 1)::timestamp AT TIME ZONE 'UTC' ORDER BY b.ts DESC LIMIT 1)) p
        ORDER BY p.pick LIMIT 1
        """;

    // The same as the store held it at $3: per source the current row if written by then, else the revision that
    // covered $3 (for one key never both), the later of the two.
    private const string PreviousAsOf = """
        SELECT p.close, p.trade_date, p.written_at FROM (
            (SELECT 1 AS pick, b.trade_date AS k, b.close, b.trade_date, b.updated_at AS written_at FROM daily_bars b
             WHERE b.symbol = $1 AND b.interval = '1d' AND b.trade_date < c.ex_date AND b.updated_at <= $3
             ORDER BY b.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT 1, r.trade_date, r.close, r.trade_date, r.valid_from FROM bar_revisions r
             WHERE r.symbol = $1 AND r.interval = '1d' AND r.trade_date < c.ex_date AND r.valid_from <= $3 AND r.revised_at > $3
             ORDER BY r.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT 2, b.trade_date, b.close, b.trade_date, b.updated_at FROM daily_bars b
             WHERE b.symbol = $1 AND b.interval = $2 AND b.trade_date < c.ex_date AND b.updated_at <= $3
             ORDER BY b.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT 2, r.trade_date, r.close, r.trade_date, r.valid_from FROM bar_revisions r
             WHERE r.symbol = $1 AND r.interval = $2 AND r.trade_date < c.ex_date AND r.valid_from <= $3 AND r.revised_at > $3
             ORDER BY r.trade_date DESC LIMIT 1)
            UNION ALL
            (SELECT 3, b.trade_date, b.close, b.trade_date, b.updated_at FROM intraday_bars b
             WHERE b.symbol = $1 AND b.interval = $2 AND b.trade_date < c.ex_date AND b.updated_at <= $3
               AND b.ts < (c.ex_date + 1)::timestamp AT TIME ZONE 'UTC'
             ORDER BY b.ts DESC LIMIT 1)
            UNION ALL
            (SELECT 3, r.trade_date, r.close, r.trade_date, r.valid_from FROM bar_revisions r
             WHERE r.symbol = $1 AND r.interval = $2 AND r.trade_date < c.ex_date AND r.valid_from <= $3 AND r.revised_at > $3
             ORDER BY r.ts DESC LIMIT 1)) p
        ORDER BY p.pick, p.k DESC LIMIT 1
        """;

    private const string Current = $"""
        WITH c AS (
            SELECT ex_date, sum(amount) AS amount, max(updated_at) AS written_at FROM (
                SELECT ex_date, amount, updated_at FROM dividends WHERE symbol = $1
                UNION ALL
                SELECT ex_date, amount, updated_at FROM capital_gains WHERE symbol = $1) paid
            GROUP BY ex_date)
        SELECT false AS is_split, c.ex_date, c.amount, c.written_at, prev.close, prev.trade_date, prev.written_at, true AS known
        FROM c LEFT JOIN LATERAL ({PreviousCurrent}) prev ON true
        UNION ALL
        SELECT true, ex_date, numerator / denominator, ts, NULL, NULL, NULL, true FROM splits WHERE symbol = $1 AND denominator > 0
        """;

    private const string AsOf = $"""
        WITH c AS (
            SELECT ex_date, sum(amount) AS amount, max(updated_at) AS written_at FROM (
                SELECT ex_date, amount, updated_at FROM dividends WHERE symbol = $1 AND recorded_at <= $3
                UNION ALL
                SELECT ex_date, amount, updated_at FROM capital_gains WHERE symbol = $1 AND recorded_at <= $3) paid
            GROUP BY ex_date)
        SELECT false AS is_split, c.ex_date, c.amount, c.written_at, prev.close, prev.trade_date, prev.written_at, true AS known
        FROM c LEFT JOIN LATERAL ({PreviousAsOf}) prev ON true
        UNION ALL
        -- Every split, also those recorded later: they still tell which shares a restated amount is in.
        SELECT true, ex_date, numerator / denominator, ts, NULL, NULL, NULL, recorded_at <= $3 FROM splits
        WHERE symbol = $1 AND denominator > 0
        """;

    public static async Task<PriceAdjuster> LoadAsync(NpgsqlDataSource dataSource, BarQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(query.AsOf is null ? Current : AsOf);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Symbol });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Interval.Token });
        if (query.AsOf is { } asOf)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        var splits = new List<SplitAdjustment>();
        var shareSplits = new List<SplitAdjustment>();
        var cash = new List<CashAdjustment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var exDate = reader.GetFieldValue<DateOnly>(1);
            var value = reader.GetDouble(2);
            var written = reader.GetFieldValue<DateTimeOffset>(3);
            if (reader.GetBoolean(0))
            {
                var split = new SplitAdjustment(exDate, value, written);
                shareSplits.Add(split);
                if (reader.GetBoolean(7))
                {
                    splits.Add(split);
                }
            }
            else if (await reader.IsDBNullAsync(4, cancellationToken))
            {
                cash.Add(new CashAdjustment(exDate, value, double.NaN, exDate, written, written));
            }
            else
            {
                cash.Add(new CashAdjustment(exDate, value, reader.GetDouble(4), reader.GetFieldValue<DateOnly>(5), written,
                    reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        return PriceAdjuster.Create(query.Adjust, splits, cash, shareSplits);
    }
}
