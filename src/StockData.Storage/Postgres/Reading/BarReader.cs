using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres.Reading;

/// <summary>
/// Streams stored bars in key order, one row at a time off the wire (no list is built, whatever the range), for the
/// HTTP bars endpoint. With <see cref="BarQuery.AsOf"/> it answers what the store held then: for each key the revision
/// whose validity [valid_from, revised_at) covers that time, else the current row if it was written by then. With
/// <see cref="BarQuery.Adjust"/> the symbol's events (as held then) are loaded first and each row is scaled by
/// <see cref="PriceAdjuster"/> as it passes.
/// </summary>
/// <remarks>
/// A bar's last revision ends exactly when its current values began (the writer stamps both with one transaction's
/// now()), so "current row written at or before T" and "a revision covering T" never both match one key.
/// </remarks>
public sealed class BarReader(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    private static readonly DateOnly MinDate = new(1, 1, 1);
    private static readonly DateOnly MaxDate = new(9999, 12, 31);
    private static readonly DateTimeOffset MinTime = new(1800, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MaxTime = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Columns = "ts, trade_date, open, high, low, close, adj_close, volume";

    // Adjusted reads also need when each value was written: a split only divides values fetched before it took effect.
    private const string WrittenColumns = "ts, trade_date, open, high, low, close, adj_close, volume, written_at";

    private const string Daily = $"""
        SELECT {Columns} FROM sd_schema.daily_bars
        WHERE symbol = $1 AND interval = $2 AND trade_date BETWEEN $3 AND $4
        ORDER BY trade_date
        """;

    private const string DailyAsOf = $"""
        SELECT {Columns} FROM (
            SELECT {Columns} FROM sd_schema.daily_bars
            WHERE symbol = $1 AND interval = $2 AND trade_date BETWEEN $3 AND $4 AND updated_at <= $5
            UNION ALL
            SELECT {Columns} FROM sd_schema.bar_revisions
            WHERE symbol = $1 AND interval = $2 AND trade_date BETWEEN $3 AND $4 AND valid_from <= $5 AND revised_at > $5
        ) held
        ORDER BY trade_date
        """;

    private const string Intraday = $"""
        SELECT {Columns} FROM sd_schema.intraday_bars
        WHERE symbol = $1 AND interval = $2 AND ts >= $3 AND ts < $4
        ORDER BY ts
        """;

    private const string IntradayAsOf = $"""
        SELECT {Columns} FROM (
            SELECT {Columns} FROM sd_schema.intraday_bars
            WHERE symbol = $1 AND interval = $2 AND ts >= $3 AND ts < $4 AND updated_at <= $5
            UNION ALL
            SELECT {Columns} FROM sd_schema.bar_revisions
            WHERE symbol = $1 AND interval = $2 AND ts >= $3 AND ts < $4 AND valid_from <= $5 AND revised_at > $5
        ) held
        ORDER BY ts
        """;

    private const string DailyWritten = $"""
        SELECT {Columns}, updated_at AS written_at FROM sd_schema.daily_bars
        WHERE symbol = $1 AND interval = $2 AND trade_date BETWEEN $3 AND $4
        ORDER BY trade_date
        """;

    private const string DailyWrittenAsOf = $"""
        SELECT {WrittenColumns} FROM (
            SELECT {Columns}, updated_at AS written_at FROM sd_schema.daily_bars
            WHERE symbol = $1 AND interval = $2 AND trade_date BETWEEN $3 AND $4 AND updated_at <= $5
            UNION ALL
            SELECT {Columns}, valid_from FROM sd_schema.bar_revisions
            WHERE symbol = $1 AND interval = $2 AND trade_date BETWEEN $3 AND $4 AND valid_from <= $5 AND revised_at > $5
        ) held
        ORDER BY trade_date
        """;

    private const string IntradayWritten = $"""
        SELECT {Columns}, updated_at AS written_at FROM sd_schema.intraday_bars
        WHERE symbol = $1 AND interval = $2 AND ts >= $3 AND ts < $4
        ORDER BY ts
        """;

    private const string IntradayWrittenAsOf = $"""
        SELECT {WrittenColumns} FROM (
            SELECT {Columns}, updated_at AS written_at FROM sd_schema.intraday_bars
            WHERE symbol = $1 AND interval = $2 AND ts >= $3 AND ts < $4 AND updated_at <= $5
            UNION ALL
            SELECT {Columns}, valid_from FROM sd_schema.bar_revisions
            WHERE symbol = $1 AND interval = $2 AND ts >= $3 AND ts < $4 AND valid_from <= $5 AND revised_at > $5
        ) held
        ORDER BY ts
        """;

    /// <summary>
    /// Of <paramref name="symbols"/>, those the store knows nothing of, in their order: no row in the universe and no
    /// bar of any interval (a symbol removed from the universe still has its bars, and they stay readable).
    /// </summary>
    public async Task<IReadOnlyList<string>> UnknownAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("""
            SELECT s FROM unnest($1::text[]) WITH ORDINALITY AS u(s, n)
            WHERE NOT EXISTS (SELECT 1 FROM sd_schema.symbols WHERE symbol = u.s)
              AND NOT EXISTS (SELECT 1 FROM sd_schema.bar_counts WHERE symbol = u.s AND rows > 0)
            ORDER BY n
            """));
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = symbols as string[] ?? [.. symbols] });
        var unknown = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            unknown.Add(reader.GetString(0));
        }

        return unknown;
    }

    /// <summary>
    /// The adjusters of several symbols' reads (<see cref="BarQuery.Adjust"/>), from one query: a multi-symbol request
    /// loads them all before streaming instead of paying a round trip per symbol.
    /// </summary>
    /// <param name="from">The read's start (<see cref="BarQuery.From"/>): payments before it are not loaded, as they scale no bar read.</param>
    public Task<Dictionary<string, PriceAdjuster>> LoadAdjustersAsync(IReadOnlyList<string> symbols, BarInterval interval, DateTimeOffset? asOf,
        PriceAdjustment adjustment, DateTimeOffset? from, CancellationToken cancellationToken) =>
        AdjustmentEventReader.LoadAsync(dataSource, schemaSql, symbols, interval, asOf, adjustment, from, cancellationToken);

    public IAsyncEnumerable<Bar> ReadAsync(BarQuery query, CancellationToken cancellationToken) => ReadAsync(query, null, cancellationToken);

    /// <param name="adjuster">The symbol's adjuster from <see cref="LoadAdjustersAsync"/>; null loads it here when the query adjusts.</param>
    public async IAsyncEnumerable<Bar> ReadAsync(BarQuery query, PriceAdjuster? adjuster, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var bar in ReadScaledAsync(query, adjuster, cancellationToken))
        {
            yield return bar.Rounded();
        }
    }

    /// <summary>
    /// The bars as <see cref="PriceAdjuster.Scale"/> leaves them, for a writer that rounds while it formats
    /// (<see cref="ScaledBar.Rounded"/> gives <see cref="ReadAsync(BarQuery, PriceAdjuster?, CancellationToken)"/>'s bars).
    /// </summary>
    /// <param name="adjuster">The symbol's adjuster from <see cref="LoadAdjustersAsync"/>; null loads it here when the query adjusts.</param>
    public async IAsyncEnumerable<ScaledBar> ReadScaledAsync(BarQuery query, PriceAdjuster? adjuster, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var daily = query.Interval.IsDailyOrLonger;
        // The events first (a handful of rows), so the bars still stream one at a time.
        if (query.Adjust == PriceAdjustment.None)
        {
            adjuster = null;
        }
        else
        {
            adjuster ??= (await LoadAdjustersAsync([query.Symbol], query.Interval, query.AsOf, query.Adjust, query.From, cancellationToken))[query.Symbol];
        }

        if (adjuster is { IsIdentity: true })
        {
            adjuster = null;
        }

        var written = adjuster is { NeedsWriteTimes: true };
        var sql = (daily, query.AsOf is not null, written) switch
        {
            (true, false, false) => Daily,
            (true, true, false) => DailyAsOf,
            (false, false, false) => Intraday,
            (false, true, false) => IntradayAsOf,
            (true, false, true) => DailyWritten,
            (true, true, true) => DailyWrittenAsOf,
            (false, false, true) => IntradayWritten,
            (false, true, true) => IntradayWrittenAsOf,
        };
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Symbol });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Interval.Token });
        if (daily)
        {
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = query.From is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : MinDate });
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = query.To is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : MaxDate });
        }
        else
        {
            command.Parameters.Add(Time(query.From ?? MinTime));
            command.Parameters.Add(Time(query.To ?? MaxTime));
        }

        if (query.AsOf is { } asOf)
        {
            command.Parameters.Add(Time(asOf));
        }

        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var bar = new Bar(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetFieldValue<DateOnly>(1),
                reader.GetDouble(2),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetDouble(6),
                await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetInt64(7));
            yield return adjuster is null ? ScaledBar.Unscaled(bar) : adjuster.Scale(bar, written ? reader.GetFieldValue<DateTimeOffset>(8) : null);
        }
    }

    /// <summary>Whether the store knows <paramref name="symbol"/> at all (the writer registers every symbol it stores).</summary>
    public async Task<bool> KnowsSymbolAsync(string symbol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify("SELECT EXISTS (SELECT 1 FROM sd_schema.symbols WHERE symbol = $1)"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static NpgsqlParameter<DateTimeOffset> Time(DateTimeOffset value) =>
        new() { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
