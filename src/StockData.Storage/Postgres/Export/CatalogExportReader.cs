using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Export;

/// <summary>One stored corporate action: a dividend or capital gain (<see cref="Amount"/>) or a split (ratio).</summary>
public readonly record struct ExportEvent(string Symbol, string Type, DateOnly ExDate, DateTimeOffset Timestamp, double? Amount,
    double? Numerator, double? Denominator);

/// <summary>A symbol's metadata row as the store holds it (null where the store has none yet).</summary>
public sealed record ExportSymbol(string Symbol, string? Currency, string? InstrumentType, string? Exchange, string? Timezone,
    DateTimeOffset? FirstTradeDate, string Status);

/// <summary>
/// The symbol universe, corporate actions and symbol metadata for <c>stockdata export</c>. Events and metadata are a
/// few rows per symbol, so each export writes them as one file each.
/// </summary>
public sealed class CatalogExportReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    private const string Events = """
        SELECT symbol, 'dividend' AS type, ex_date, ts, amount, NULL::float8 AS numerator, NULL::float8 AS denominator, updated_at, recorded_at FROM sd_schema.dividends
        UNION ALL
        SELECT symbol, 'split', ex_date, ts, NULL, numerator, denominator, updated_at, recorded_at FROM sd_schema.splits
        UNION ALL
        SELECT symbol, 'capital_gain', ex_date, ts, amount, NULL, NULL, updated_at, recorded_at FROM sd_schema.capital_gains
        """;

    /// <summary>Every symbol the store knows, in order.</summary>
    public async Task<IReadOnlyList<string>> AllSymbolsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("SELECT symbol FROM sd_schema.symbols ORDER BY symbol"));
        var symbols = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            symbols.Add(reader.GetString(0));
        }

        return symbols;
    }

    /// <summary>Those of <paramref name="symbols"/> the store does not know.</summary>
    public async Task<IReadOnlyList<string>> UnknownAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT s FROM unnest($1::text[]) WITH ORDINALITY AS u(s, n)
            WHERE NOT EXISTS (SELECT 1 FROM sd_schema.symbols WHERE symbol = u.s) ORDER BY n
            """));
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = symbols.ToArray() });
        var unknown = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            unknown.Add(reader.GetString(0));
        }

        return unknown;
    }

    /// <summary>Rows and last write of the events of <paramref name="scope"/>'s symbols (current rows, ignoring as_of).</summary>
    public Task<(long Rows, DateTimeOffset? LastWrite)> EventStampAsync(ExportScope scope, CancellationToken cancellationToken) =>
        StampAsync($"SELECT count(*), max(updated_at) FROM ({Events}) e WHERE {EventFilter}", scope, true, cancellationToken);

    /// <summary>Rows and last write of <paramref name="scope"/>'s symbols' metadata.</summary>
    public Task<(long Rows, DateTimeOffset? LastWrite)> SymbolStampAsync(ExportScope scope, CancellationToken cancellationToken) =>
        StampAsync("SELECT count(*), max(updated_at) FROM sd_schema.symbols WHERE symbol = ANY($1)", scope, false, cancellationToken);

    /// <summary>
    /// The events of the scope's symbols with an ex-date in its range, by symbol, ex-date and type. With as_of, those the
    /// store had learned of by then (<c>recorded_at</c>, which a restatement after a split does not move), with their
    /// current values (events keep no revisions), as <c>GET /symbols/{symbol}/events</c> answers.
    /// </summary>
    public async IAsyncEnumerable<ExportEvent> ReadEventsAsync(ExportScope scope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var asOf = scope.AsOf is null ? "" : " AND recorded_at <= $4";
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify($"SELECT symbol, type, ex_date, ts, amount, numerator, denominator FROM ({Events}) e WHERE {EventFilter}{asOf} ORDER BY symbol, ex_date, type"));
        AddFilter(command, scope, true);
        if (scope.AsOf is { } time)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ExportEvent(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
                reader.GetFieldValue<DateTimeOffset>(3), NullableDouble(reader, 4), NullableDouble(reader, 5), NullableDouble(reader, 6));
        }
    }

    /// <summary>The scope's symbols' metadata, by symbol.</summary>
    public async IAsyncEnumerable<ExportSymbol> ReadSymbolsAsync(ExportScope scope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT symbol, currency, instrument_type, exchange_name, exchange_timezone, first_trade_date, status
            FROM sd_schema.symbols WHERE symbol = ANY($1) ORDER BY symbol
            """));
        AddFilter(command, scope, false);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ExportSymbol(reader.GetString(0), NullableText(reader, 1), NullableText(reader, 2), NullableText(reader, 3),
                NullableText(reader, 4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6));
        }
    }

    // The event range is by ex-date, inclusive at both ends, whatever the bars' interval.
    private const string EventFilter = "symbol = ANY($1) AND ex_date BETWEEN $2 AND $3";

    private async Task<(long Rows, DateTimeOffset? LastWrite)> StampAsync(string sql, ExportScope scope, bool range, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        AddFilter(command, scope, range);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    private static void AddFilter(NpgsqlCommand command, ExportScope scope, bool range)
    {
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = scope.Symbols as string[] ?? scope.Symbols.ToArray() });
        if (range)
        {
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = scope.From is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : new DateOnly(1, 1, 1) });
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = scope.To is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : new DateOnly(9999, 12, 31) });
        }
    }

    private static double? NullableDouble(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
