using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Catalog;

/// <summary>
/// Reads a page of one symbol's corporate actions from dividends, splits and capital_gains, merged in (ex-date, type)
/// order.
/// </summary>
/// <remarks>
/// <para>With an as-of time, an event counts when the store first learned of it at or before that time
/// (<c>recorded_at</c>, set on insert and never moved by the writer's merge). Not <c>updated_at</c>: after a split
/// Yahoo restates every earlier dividend in today's shares, and the re-fetch rewrites events known for years, which
/// would hide them from a read as of last month. Events keep no revisions, so a read as of an earlier time shows the
/// current values of the events known then.</para>
/// <para>Each type's branch is a range scan of that table's primary key (symbol, ex_date); a type not asked for is
/// cut by its constant filter before any scan.</para>
/// </remarks>
public sealed class EventReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    public const string Dividend = "dividend";
    public const string Split = "split";
    public const string CapitalGain = "capital_gain";

    private static readonly DateOnly MinDate = new(1, 1, 1);
    private static readonly DateOnly MaxDate = new(9999, 12, 31);

    private const string Sql = $"""
        SELECT type, ex_date, ts, amount, numerator, denominator, recorded_at FROM (
            SELECT '{Dividend}' AS type, ex_date, ts, amount, NULL::float8 AS numerator, NULL::float8 AS denominator, recorded_at
            FROM sd_schema.dividends WHERE $2 AND symbol = $1 AND ex_date BETWEEN $5 AND $6
            UNION ALL
            SELECT '{Split}', ex_date, ts, NULL, numerator, denominator, recorded_at
            FROM sd_schema.splits WHERE $3 AND symbol = $1 AND ex_date BETWEEN $5 AND $6
            UNION ALL
            SELECT '{CapitalGain}', ex_date, ts, amount, NULL, NULL, recorded_at
            FROM sd_schema.capital_gains WHERE $4 AND symbol = $1 AND ex_date BETWEEN $5 AND $6
        ) e
        WHERE ($7::timestamptz IS NULL OR e.recorded_at <= $7)
          AND ($8::date IS NULL OR (e.ex_date, e.type) > ($8, $9::text))
        ORDER BY e.ex_date, e.type
        LIMIT $10
        """;

    /// <summary>The page, or null when the store does not know the symbol (no symbols row and no event).</summary>
    public async Task<IReadOnlyList<CorporateEvent>?> ReadAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var batch = dataSource.CreateBatch();
        var known = new NpgsqlBatchCommand(schemaSql.Qualify("SELECT EXISTS (SELECT 1 FROM sd_schema.symbols WHERE symbol = $1)"));
        known.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Symbol });
        batch.BatchCommands.Add(known);
        var events = new NpgsqlBatchCommand(schemaSql.Qualify(Sql));
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
