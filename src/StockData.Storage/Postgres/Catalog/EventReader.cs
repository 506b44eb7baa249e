using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Catalog;

/// <summary>
/// Reads a page of one symbol's corporate actions from dividends, splits and capital_gains, merged in (ex-date, type)
/// order.
/// </summary>
/// <remarks>
/// <para>With an as-of time, an event counts when its stored values were written at or before it (<c>updated_at</c>):
/// the writer rewrites an event only when Yahoo sends different values for its ex-date, and an unchanged event keeps
/// its first <c>updated_at</c>, so this is what the store held then. Unlike bars, events keep no revisions: an event
/// whose values were corrected after the as-of time is left out of that read rather than shown with its old values.</para>
/// <para>Each type's branch is a range scan of that table's primary key (symbol, ex_date); a type not asked for is
/// cut by its constant filter before any scan.</para>
/// </remarks>
public sealed class EventReader(NpgsqlDataSource dataSource)
{
    public const string Dividend = "dividend";
    public const string Split = "split";
    public const string CapitalGain = "capital_gain";

    private static readonly DateOnly MinDate = new(1, 1, 1);
    private static readonly DateOnly MaxDate = new(9999, 12, 31);

    private const string Sql = $"""
        SELECT type, ex_date, ts, amount, numerator, denominator, updated_at FROM (
            SELECT '{Dividend}' AS type, ex_date, ts, amount, NULL::float8 AS numerator, NULL::float8 AS denominator, updated_at
            FROM dividends WHERE $2 AND symbol = $1 AND ex_date BETWEEN $5 AND $6
            UNION ALL
            SELECT '{Split}', ex_date, ts, NULL, numerator, denominator, updated_at
            FROM splits WHERE $3 AND symbol = $1 AND ex_date BETWEEN $5 AND $6
            UNION ALL
            SELECT '{CapitalGain}', ex_date, ts, amount, NULL, NULL, updated_at
            FROM capital_gains WHERE $4 AND symbol = $1 AND ex_date BETWEEN $5 AND $6
        ) e
        WHERE ($7::timestamptz IS NULL OR e.updated_at <= $7)
          AND ($8::date IS NULL OR (e.ex_date, e.type) > ($8, $9::text))
        ORDER BY e.ex_date, e.type
        LIMIT $10
        """;

    /// <summary>The page, or null when the store does not know the symbol (no symbols row and no event).</summary>
    public async Task<IReadOnlyList<CorporateEvent>?> ReadAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var batch = dataSource.CreateBatch();
        var known = new NpgsqlBatchCommand("SELECT EXISTS (SELECT 1 FROM symbols WHERE symbol = $1)");
        known.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Symbol });
        batch.BatchCommands.Add(known);
        var events = new NpgsqlBatchCommand(Sql);
        events.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Symbol });
        events.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.Types.HasFlag(EventTypes.Dividends) });
        events.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.Types.HasFlag(EventTypes.Splits) });
        events.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.Types.HasFlag(EventTypes.CapitalGains) });
        events.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = query.From ?? MinDate });
        events.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = query.To ?? MaxDate });
        events.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
            Value = query.AsOf is { } asOf ? asOf.ToUniversalTime() : DBNull.Value,
        });
        events.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Date,
            Value = query.After is { } after ? DateOnly.ParseExact(after.First, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : DBNull.Value,
        });
        events.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)query.After?.Second ?? DBNull.Value });
        events.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        batch.BatchCommands.Add(events);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var exists = reader.GetBoolean(0);
        await reader.NextResultAsync(cancellationToken);
        var rows = new List<CorporateEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CorporateEvent(
                reader.GetString(0),
                reader.GetFieldValue<DateOnly>(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                CatalogColumns.Number(reader, 3),
                CatalogColumns.Number(reader, 4),
                CatalogColumns.Number(reader, 5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return exists || rows.Count > 0 ? rows : null;
    }
}
