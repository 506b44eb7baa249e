using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres.Export;

/// <summary>
/// Reads bars for <c>stockdata export</c>: one statement per exported file (a symbol, or every symbol of one trade
/// year), streamed row by row off the wire in file order, so memory does not grow with the range. The <c>as_of</c>
/// variant is <see cref="Reading.BarReader"/>'s: the current row if written by then, else the revision covering then.
/// </summary>
public sealed class BarExportReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    private static readonly DateOnly MinDate = new(1, 1, 1);
    private static readonly DateOnly MaxDate = new(9999, 12, 31);
    private static readonly DateTimeOffset MinTime = new(1800, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MaxTime = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Columns = "symbol, ts, trade_date, open, high, low, close, adj_close, volume";

    // $1 symbols, $2 interval, $3/$4 trade dates (inclusive), $5/$6 timestamps ([from, to)), $7 as_of.
    private const string Filter = "symbol = ANY($1) AND interval = $2 AND trade_date BETWEEN $3 AND $4 AND ts >= $5 AND ts < $6";

    /// <summary>Rows and last write per symbol and trade year of the scope (the current rows; see <see cref="SourceStamp"/>).</summary>
    public async Task<IReadOnlyList<SourceStamp>> ReadStampsAsync(ExportScope scope, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT symbol, extract(year FROM trade_date)::int, count(*), max(updated_at) FROM {Table(scope.Interval)}
            WHERE {Filter} GROUP BY 1, 2 ORDER BY 1, 2
            """;
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        AddFilter(command, scope, scope.Symbols, null);
        var stamps = new List<SourceStamp>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stamps.Add(new SourceStamp(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return stamps;
    }

    /// <summary>
    /// The adjusters of the scope's symbols (as <see cref="Reading.BarReader.LoadAdjustersAsync"/>, the bars endpoint's:
    /// the same events, as held at the scope's as_of), from one query before any file is written.
    /// </summary>
    public Task<Dictionary<string, PriceAdjuster>> LoadAdjustersAsync(ExportScope scope, PriceAdjustment adjustment, CancellationToken cancellationToken) =>
        Reading.AdjustmentEventReader.LoadAsync(dataSource, schemaSql, scope.Symbols, scope.Interval, scope.AsOf, adjustment, scope.From, cancellationToken);

    /// <summary>
    /// The bars of <paramref name="symbols"/> (of the scope), optionally of one trade year, by symbol then time; with
    /// <paramref name="writeTimes"/> each carries when its values were written (the current row's updated_at, a
    /// revision's valid_from).
    /// </summary>
    public async IAsyncEnumerable<SymbolBar> ReadAsync(ExportScope scope, IReadOnlyList<string> symbols, int? year, bool writeTimes,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (current, revision, outer) = writeTimes
            ? ($"{Columns}, updated_at AS written_at", $"{Columns}, valid_from", $"{Columns}, written_at")
            : (Columns, Columns, Columns);
        await using var command = BarsCommand(scope, symbols, year, current, revision, outer);

        // Not SequentialAccess: a bar row is small, and with the row buffered the getters below never wait on the
        // wire, so they can be the synchronous ones (no awaited IsDBNullAsync per nullable column and row).
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        string? symbol = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            // One string per symbol, not per row: rows of a symbol are consecutive.
            var name = reader.GetString(0);
            symbol = symbol == name ? symbol : name;
            yield return new SymbolBar(symbol, new Bar(
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateOnly>(2),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                reader.GetDouble(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8)),
                writeTimes ? reader.GetFieldValue<DateTimeOffset>(9) : null);
        }
    }

    /// <summary>
    /// The bars query of both reads: the scope's rows in <paramref name="current"/>'s columns; with <c>as_of</c>, the
    /// rows then held: the current ones written by then and the revisions (<paramref name="revision"/>'s columns)
    /// valid then, selected as <paramref name="outer"/>.
    /// </summary>
    private NpgsqlCommand BarsCommand(ExportScope scope, IReadOnlyList<string> symbols, int? year, string current, string revision, string outer)
    {
        var table = Table(scope.Interval);
        var order = scope.Interval.IsDailyOrLonger ? "symbol, trade_date" : "symbol, ts";
        var sql = scope.AsOf is null
            ? $"SELECT {current} FROM {table} WHERE {Filter} ORDER BY {order}"
            : $"""
               SELECT {outer} FROM (
                   SELECT {current} FROM {table} WHERE {Filter} AND updated_at <= $7
                   UNION ALL
                   SELECT {revision} FROM sd_schema.bar_revisions WHERE {Filter} AND valid_from <= $7 AND revised_at > $7
               ) held
               ORDER BY {order}
               """;
        var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        AddFilter(command, scope, symbols, year);
        if (scope.AsOf is { } asOf)
        {
            command.Parameters.Add(Time(asOf));
        }

        return command;
    }

    /// <summary>
    /// The bars of <paramref name="symbols"/> (of the scope, optionally of one trade year), unadjusted, by symbol then
    /// time, handed to <paramref name="sink"/> a row at a time with typed getters: no row object, no async enumerator
    /// per row, and the symbol column only read when the file holds more than one symbol. Returns the rows and, when the
    /// scope has no <c>as_of</c>, their last write (max updated_at): the same <see cref="SourceStamp"/> totals
    /// <see cref="ReadStampsAsync"/> gives for these rows, from the same snapshot as the rows written, so a fresh export
    /// needs no separate pass over the bars to stamp its files.
    /// </summary>
    public async Task<ExportedRows> CopyAsync(ExportScope scope, IReadOnlyList<string> symbols, int? year, IBarExportSink sink,
        CancellationToken cancellationToken)
    {
        var one = symbols.Count == 1;
        // The last write comes with the rows only when there is no as_of (an as-of read is stamped by ReadStampsAsync).
        await using var command = BarsCommand(scope, symbols, year, scope.AsOf is null ? $"{Columns}, updated_at" : Columns, Columns, Columns);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stamped = scope.AsOf is null;
        string? symbol = one ? symbols[0] : null;
        long rows = 0;
        var lastWrite = DateTime.MinValue;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!one)
            {
                // One string per symbol, not per row: rows of a symbol are consecutive.
                var name = reader.GetString(0);
                symbol = symbol == name ? symbol : name;
            }

            sink.Add(symbol!,
                reader.GetFieldValue<DateTime>(1),
                reader.GetFieldValue<DateOnly>(2),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                reader.GetDouble(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8));
            if (stamped)
            {
                var written = reader.GetFieldValue<DateTime>(9);
                lastWrite = written > lastWrite ? written : lastWrite;
            }

            rows++;
            if (sink.IsFull)
            {
                await sink.FlushAsync(cancellationToken);
            }
        }

        return new ExportedRows(rows, stamped && rows > 0 ? new DateTimeOffset(lastWrite, TimeSpan.Zero) : null);
    }

    private static string Table(BarInterval interval) => interval.IsDailyOrLonger ? "sd_schema.daily_bars" : "sd_schema.intraday_bars";

    private static void AddFilter(NpgsqlCommand command, ExportScope scope, IReadOnlyList<string> symbols, int? year)
    {
        var daily = scope.Interval.IsDailyOrLonger;
        var fromDate = daily && scope.From is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : MinDate;
        var toDate = daily && scope.To is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : MaxDate;
        if (year is { } y)
        {
            fromDate = Max(fromDate, new DateOnly(y, 1, 1));
            toDate = Min(toDate, new DateOnly(y, 12, 31));
        }

        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = symbols as string[] ?? symbols.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope.Interval.Token });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = fromDate });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = toDate });
        command.Parameters.Add(Time(!daily && scope.From is { } from ? from : MinTime));
        command.Parameters.Add(Time(!daily && scope.To is { } to ? to : MaxTime));
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static NpgsqlParameter<DateTimeOffset> Time(DateTimeOffset value) =>
        new() { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
