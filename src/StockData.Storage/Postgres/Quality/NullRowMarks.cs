using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Quality;

/// <summary>
/// Remembers the dates Yahoo answered with an all-null row (docs/data-quality.md, "Null-row dates"), in the batch's own
/// transaction: one mark per symbol, interval and exchange-local date, with when it was first and last seen. Then
/// clears the marks of the batch's daily symbols whose date now has a stored bar (a later response brought values).
/// </summary>
internal static class NullRowMarks
{
    private const string Mark = """
        INSERT INTO sd_schema.quality_null_rows AS n (symbol, interval, trade_date)
        SELECT * FROM unnest($1::text[], $2::text[], $3::date[])
        ON CONFLICT (symbol, interval, trade_date) DO UPDATE SET last_seen_at = now(), times_seen = n.times_seen + 1
        """;

    private const string Clear = """
        DELETE FROM sd_schema.quality_null_rows n
        WHERE n.symbol = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM sd_schema.daily_bars b WHERE b.symbol = n.symbol AND b.interval = n.interval AND b.trade_date = n.trade_date)
        """;

    /// <summary>The statements for <paramref name="plan"/> (none when it has no daily rows and no null rows). They return no rows.</summary>
    public static IEnumerable<NpgsqlBatchCommand> Commands(SchemaSql schemaSql, BarBatchPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var zones = plan.Symbols.ToDictionary(s => s.Symbol, s => s.Metadata?.ExchangeTimezone, StringComparer.Ordinal);
        var marks = new HashSet<(string Symbol, string Interval, DateOnly Date)>();
        foreach (var chunk in plan.Source.Chunks)
        {
            if (chunk.Events?.NullRows is not { Count: > 0 } rows)
            {
                continue;
            }

            var zone = Zone(chunk.Events.Metadata?.ExchangeTimezone ?? zones.GetValueOrDefault(chunk.Symbol));
            foreach (var seconds in rows)
            {
                var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(seconds), zone);
                marks.Add((chunk.Symbol, chunk.Interval.Token, DateOnly.FromDateTime(local.DateTime)));
            }
        }

        if (marks.Count > 0)
        {
            var mark = new NpgsqlBatchCommand(schemaSql.Qualify(Mark));
            mark.Parameters.Add(ArrayParameter.Of(marks.Select(m => m.Symbol), NpgsqlDbType.Text));
            mark.Parameters.Add(ArrayParameter.Of(marks.Select(m => m.Interval), NpgsqlDbType.Text));
            mark.Parameters.Add(ArrayParameter.Of(marks.Select(m => m.Date), NpgsqlDbType.Date));
            yield return mark;
        }

        if (plan.DailyRows > 0)
        {
            var clear = new NpgsqlBatchCommand(schemaSql.Qualify(Clear));
            clear.Parameters.Add(ArrayParameter.Of(plan.DailyGroups.Select(g => g.Symbol).Distinct(StringComparer.Ordinal), NpgsqlDbType.Text));
            yield return clear;
        }
    }

    private static TimeZoneInfo Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
