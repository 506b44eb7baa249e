using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage;

public sealed class DataSourcePoolTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task ConcurrentWork_NeverUsesMoreBackendsThanThePoolMaximum()
    {
        postgres.EnsureAvailable();
        const int poolMax = 4;
        var appName = "pooltest_" + Guid.NewGuid().ToString("N")[..8];
        // The product's statements name their schema (no search_path); so do this test's, through the same data source.
        var schema = "p_" + Guid.NewGuid().ToString("N")[..10];
        await using var services = StorageHost.Create(postgres, new Dictionary<string, string?>
        {
            ["StockData:Storage:MaxPoolSize"] = poolMax.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StockData:Storage:ApplicationName"] = appName,
            ["StockData:Storage:Schema"] = schema,
        });
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(TestContext.Current.CancellationToken);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        Assert.Same(dataSource, services.GetRequiredService<NpgsqlDataSource>());

        var observed = new List<long>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            await using var monitor = await postgres.OpenAsync();
            while (!sampling.IsCancellationRequested)
            {
                await using var count = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = @a AND backend_type = 'client backend'", monitor);
                count.Parameters.AddWithValue("a", appName);
                observed.Add((long)(await count.ExecuteScalarAsync())!);
                await Task.Delay(5);
            }
        });

        // 60 concurrent writers and readers, each holding its connection a while, through the one data source.
        await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {schema}.fetch_rejects (symbol, category, detail) SELECT @s, 'malformed', 'pool test' FROM pg_sleep(0.03)", connection);
            command.Parameters.AddWithValue("s", "SYM" + i);
            await command.ExecuteNonQueryAsync();
            await using var read = new NpgsqlCommand($"SELECT count(*) FROM {schema}.fetch_rejects", connection);
            await read.ExecuteScalarAsync();
        }));
        await sampling.CancelAsync();
        await sampler;

        Assert.NotEmpty(observed);
        Assert.True(observed.Max() is > 0 and <= poolMax, $"max backends observed {observed.Max()}, pool max {poolMax}");
        await using var verify = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.fetch_rejects");
        Assert.Equal(60L, await verify.ExecuteScalarAsync());
    }
}
