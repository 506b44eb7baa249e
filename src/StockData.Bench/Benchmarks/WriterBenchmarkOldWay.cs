using System.Text;
using Npgsql;
using NpgsqlTypes;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// The way this project replaces, reproduced on purpose for the writer benchmark: a new data source (so a new
/// connection) per symbol, multi-row <c>INSERT … ON CONFLICT DO UPDATE</c> statements of 500 rows each in its own
/// transaction, without change detection, the data source disposed after the symbol. This file is the one place in
/// <c>src/</c> besides the storage composition file allowed to build a data source (SingleDataSourceTests), and only
/// the benchmark calls it.
/// </summary>
internal static class WriterBenchmarkOldWay
{
    private const int RowsPerStatement = 500;
    private const int Columns = 10;

    /// <summary>Writes every symbol's rows the old way into the schema's <c>daily_bars</c>.</summary>
    public static async Task WriteAsync(string connectionString, SchemaSql schemaSql, IEnumerable<(string Symbol, Bar[] Bars)> series,
        CancellationToken cancellationToken)
    {
        var statements = new Dictionary<int, string>();
        foreach (var (symbol, bars) in series)
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            for (var start = 0; start < bars.Length; start += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, bars.Length - start);
                if (!statements.TryGetValue(count, out var sql))
                {
                    statements[count] = sql = schemaSql.Qualify(Statement(count));
                }

#pragma warning disable CA2100 // Built from a row count only; every value is a parameter.
                await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
                for (var i = start; i < start + count; i++)
                {
                    var bar = bars[i];
                    command.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter { Value = "1d", NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter { Value = bar.TradeDate, NpgsqlDbType = NpgsqlDbType.Date });
                    command.Parameters.Add(new NpgsqlParameter { Value = bar.Timestamp.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                    command.Parameters.Add(new NpgsqlParameter { Value = bar.Open, NpgsqlDbType = NpgsqlDbType.Double });
                    command.Parameters.Add(new NpgsqlParameter { Value = bar.High, NpgsqlDbType = NpgsqlDbType.Double });
                    command.Parameters.Add(new NpgsqlParameter { Value = bar.Low, NpgsqlDbType = NpgsqlDbType.Double });
                    command.Parameters.Add(new NpgsqlParameter { Value = bar.Close, NpgsqlDbType = NpgsqlDbType.Double });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)bar.AdjClose ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)bar.Volume ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static string Statement(int rows)
    {
        var sql = new StringBuilder("INSERT INTO sd_schema.daily_bars (symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ",(");
            for (var column = 1; column <= Columns; column++)
            {
                sql.Append(column == 1 ? "$" : ",$").Append((row * Columns) + column);
            }

            sql.Append(')');
        }

        sql.Append(" ON CONFLICT (symbol, interval, trade_date) DO UPDATE SET ts = EXCLUDED.ts, open = EXCLUDED.open, high = EXCLUDED.high, ")
            .Append("low = EXCLUDED.low, close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume, updated_at = now()");
        return sql.ToString();
    }
}
