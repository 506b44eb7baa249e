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
        if (bar.AdjClose is { } adjClose)
        {
            await importer.WriteAsync(adjClose, NpgsqlDbType.Double, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }

        if (bar.Volume is { } volume)
        {
            await importer.WriteAsync(volume, NpgsqlDbType.Bigint, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }
}
