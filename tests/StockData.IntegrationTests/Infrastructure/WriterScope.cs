using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockData.Core;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>
/// The product's storage services on a migrated scratch schema of their own, plus assertion helpers that read
/// through a separate connection (never through the data source under test).
/// </summary>
public sealed class WriterScope : IAsyncDisposable
{
    private readonly PostgresFixture _postgres;

    private WriterScope(PostgresFixture postgres, string schema, ServiceProvider services)
    {
        _postgres = postgres;
        Schema = schema;
        Services = services;
    }

    public string Schema { get; }

    public ServiceProvider Services { get; }

    public IBarWriter Writer => Services.GetRequiredService<IBarWriter>();

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    public static async Task<WriterScope> CreateAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null,
        string? schema = null)
    {
        schema ??= "w_" + Guid.NewGuid().ToString("N")[..12];
        var all = new Dictionary<string, string?>
        {
            ["StockData:Storage:Schema"] = schema,
            ["StockData:Storage:ApplicationName"] = "writer_" + schema,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var services = StorageHost.Create(postgres, all);
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(TestContext.Current.CancellationToken);
        return new WriterScope(postgres, schema, services);
    }

    /// <summary>Another set of the product's services on the same schema: a second writer process, in effect.</summary>
    public WriterScope Sibling(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["StockData:Storage:Schema"] = Schema,
            ["StockData:Storage:ApplicationName"] = "writer2_" + Schema,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new WriterScope(_postgres, Schema, StorageHost.Create(_postgres, all));
    }

    /// <summary>A connection to the scratch database with this scope's schema on its search_path.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = await _postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{Schema}\"", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? default! : (T)value!;
    }

    public async Task<long> CountAsync(string sql) => await ScalarAsync<long>(sql);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The daily bars of a symbol, in trade-date order.</summary>
    public async Task<List<StoredBar>> DailyBarsAsync(string symbol, string interval = "1d")
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT trade_date, ts, open, high, low, close, adj_close, volume FROM daily_bars " +
            "WHERE symbol = @s AND interval = @i ORDER BY trade_date", connection);
        command.Parameters.AddWithValue("s", symbol);
        command.Parameters.AddWithValue("i", interval);
        var list = new List<StoredBar>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new StoredBar(
                reader.GetFieldValue<DateOnly>(0),
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7)));
        }

        return list;
    }

    /// <summary>The symbol_intervals row's watermark (null when no row or none set).</summary>
    public async Task<DateTimeOffset?> WatermarkAsync(string symbol, string interval = "1d")
    {
        var value = await ScalarAsync<object?>(
            $"SELECT watermark FROM symbol_intervals WHERE symbol = '{symbol}' AND interval = '{interval}'");
        return value is DateTime dt ? new DateTimeOffset(dt, TimeSpan.Zero) : null;
    }

    public async Task<bool> RefetchPendingAsync(string symbol, string interval = "1d") =>
        await ScalarAsync<bool>($"SELECT full_refetch_pending FROM symbol_intervals WHERE symbol = '{symbol}' AND interval = '{interval}'");

    /// <summary>The current transaction id, for "rows written since" checks via xmin.</summary>
    public async Task<long> TxidAsync() => await ScalarAsync<long>("SELECT txid_current()");

    /// <summary>Rows of <paramref name="table"/> whose current version was written after <paramref name="txid"/>.</summary>
    public async Task<long> RowsWrittenSinceAsync(string table, long txid) => await CountAsync(string.Create(CultureInfo.InvariantCulture,
        $"SELECT count(*) FROM {table} WHERE ((xmin::text::bigint - {txid % 4294967296L} + 4294967296) % 4294967296) < 2147483648"));

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
