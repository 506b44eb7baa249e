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
public static class BarCopy
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

    /// <summary>The staging table's columns: the bar's, then the identity of the stored row version a changed bar replaces.</summary>
    public const string StagedColumns = Columns + ", o_ctid, o_xmin";

    /// <summary>
    /// COPYs new and changed rows into a staging table, a changed row with the stored row version it replaces. Only the
    /// version's identity travels (not its values: the merge reads those from the row itself for the revision), which
    /// keeps the COPY as narrow as the bars' own: its cost here is per value written, on the client.
    /// </summary>
    public static async Task<ulong> CopyStagedAsync(NpgsqlConnection connection, string stage, IReadOnlyList<StagedBar> rows,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {stage} ({StagedColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        importer.Timeout = timeout;
        foreach (var row in rows)
        {
            await WriteRowAsync(importer, row.Symbol, row.Interval, row.Bar, cancellationToken);
            if (row.Stored is { } old)
            {
                await importer.WriteAsync(old.RowId, NpgsqlDbType.Tid, cancellationToken);
                await importer.WriteAsync(old.Xmin, NpgsqlDbType.Xid, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
                await importer.WriteNullAsync(cancellationToken);
            }
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
