using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>
/// Binary COPY of bars: into the staging table, straight into a bars table (fresh history), or into the benchmark's
/// raw table. Every column is written with an explicit <see cref="NpgsqlDbType"/> (binary COPY does no coercion; a
/// wrong type throws or corrupts) and the import always ends in <c>CompleteAsync</c>; disposing without it rolls the
/// COPY back, which is what a failure mid-stream must do.
/// </summary>
internal static class BarCopy
{
    /// <summary>The column order every COPY here uses (the same for both interval families).</summary>
    public const string Columns = "symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume";

    /// <summary>COPYs the groups' rows into <paramref name="table"/> (a constant of this assembly, never input).</summary>
    public static async Task<ulong> CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<BarGroup> groups,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        importer.Timeout = timeout;
        foreach (var group in groups)
        {
            var rows = group.Rows;
            for (var i = 0; i < rows.Count; i++)
            {
                await WriteRowAsync(importer, group.Symbol, group.Interval, rows[i], cancellationToken);
            }
        }

        return await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>The staging table's columns: the bar's, then the stored row a changed bar replaces.</summary>
    public const string StagedColumns = Columns +
        ", o_ctid, o_trade_date, o_ts, o_open, o_high, o_low, o_close, o_adj_close, o_volume, o_updated_at";

    /// <summary>COPYs new and changed rows, with the stored values a changed row replaces, into a staging table.</summary>
    public static async Task<ulong> CopyStagedAsync(NpgsqlConnection connection, string stage, IReadOnlyList<StagedBar> rows,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {stage} ({StagedColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        importer.Timeout = timeout;
        foreach (var row in rows)
        {
            await WriteRowAsync(importer, row.Symbol, row.Interval, row.Bar, cancellationToken);
            if (row.Stored is not { } old)
            {
                for (var i = 0; i < 10; i++)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }

                continue;
            }

            await importer.WriteAsync(old.RowId, NpgsqlDbType.Tid, cancellationToken);
            await importer.WriteAsync(old.TradeDate, NpgsqlDbType.Date, cancellationToken);
            await importer.WriteAsync(old.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(old.Open, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(old.High, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(old.Low, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(old.Close, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(importer, old.AdjClose, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(importer, old.Volume, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(old.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        return await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type,
        CancellationToken cancellationToken)
        where T : struct
    {
        if (value is { } present)
        {
            await importer.WriteAsync(present, type, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter importer, string symbol, string interval, Bar bar,
        CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(symbol, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(interval, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(bar.TradeDate, NpgsqlDbType.Date, cancellationToken);
        // timestamptz takes only a UTC DateTime (Npgsql 6+ throws on Kind=Local/Unspecified).
        await importer.WriteAsync(bar.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await importer.WriteAsync(bar.Open, NpgsqlDbType.Double, cancellationToken);
        await importer.WriteAsync(bar.High, NpgsqlDbType.Double, cancellationToken);
        await importer.WriteAsync(bar.Low, NpgsqlDbType.Double, cancellationToken);
        await importer.WriteAsync(bar.Close, NpgsqlDbType.Double, cancellationToken);
        await WriteNullableAsync(importer, bar.AdjClose, NpgsqlDbType.Double, cancellationToken);
        await WriteNullableAsync(importer, bar.Volume, NpgsqlDbType.Bigint, cancellationToken);
    }
}
