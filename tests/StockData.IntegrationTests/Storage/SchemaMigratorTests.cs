using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage;

public sealed class SchemaMigratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] ExpectedTables =
    [
        "bar_counts", "bar_revision_sets", "capital_gains", "daily_bars", "dividends", "fetch_job_items", "fetch_jobs", "fetch_rejects",
        "intraday_bars", "quality_gaps", "quality_null_rows", "quality_suspicious", "schema_migrations", "splits", "symbol_intervals",
        "symbols", "upstream_requests",
    ];

    [Fact]
    public async Task Migrate_FreshSchema_CreatesEveryTableOnce_ThenIsANoOp()
    {
        postgres.EnsureAvailable();
        var schema = "m_" + Guid.NewGuid().ToString("N")[..10];
        await using var services = StorageHost.Create(postgres, new Dictionary<string, string?> { ["StockData:Storage:Schema"] = schema });
        var migrator = services.GetRequiredService<SchemaMigrator>();

        var first = await migrator.MigrateAsync(TestContext.Current.CancellationToken);
        var second = await migrator.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(SchemaMigrator.All.Select(m => m.Name), first);
        Assert.Empty(second);
        var tables = await Tables(schema);
        Assert.Equal(ExpectedTables, tables);
        Assert.Equal("VIEW", await postgres.ScalarAsync<string>(
            $"SELECT table_type FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = 'bars'"));
        Assert.Equal("VIEW", await postgres.ScalarAsync<string>(
            $"SELECT table_type FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = 'bar_revisions'"));
    }

    [Fact]
    public async Task Migrate_ManyReplicasAtOnce_AppliesEachMigrationExactlyOnce()
    {
        postgres.EnsureAvailable();
        var schema = "c_" + Guid.NewGuid().ToString("N")[..10];
        var providers = Enumerable.Range(0, 6)
            .Select(_ => StorageHost.Create(postgres, new Dictionary<string, string?> { ["StockData:Storage:Schema"] = schema }))
            .ToList();
        try
        {
            var results = await Task.WhenAll(providers.Select(p =>
                p.GetRequiredService<SchemaMigrator>().MigrateAsync(TestContext.Current.CancellationToken)));

            Assert.Single(results, r => r.Count == SchemaMigrator.All.Count);
            Assert.Equal(results.Length - 1, results.Count(r => r.Count == 0));
            Assert.Equal(SchemaMigrator.All.Count, (int)await postgres.ScalarAsync<long>($"SELECT count(*) FROM {schema}.schema_migrations"));
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Migrate_EditedMigration_IsRefusedWithItsName()
    {
        postgres.EnsureAvailable();
        var schema = "e_" + Guid.NewGuid().ToString("N")[..10];
        await using var services = StorageHost.Create(postgres, new Dictionary<string, string?> { ["StockData:Storage:Schema"] = schema });
        var migrator = services.GetRequiredService<SchemaMigrator>();
        await migrator.MigrateAsync(TestContext.Current.CancellationToken);
        await using (var connection = await postgres.OpenAsync())
        await using (var command = new Npgsql.NpgsqlCommand($"UPDATE {schema}.schema_migrations SET checksum = 'x' WHERE version = 1", connection))
        {
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.MigrateAsync(TestContext.Current.CancellationToken));
        Assert.Contains(SchemaMigrator.All[0].Name, ex.Message, StringComparison.Ordinal);
    }

    private async Task<List<string>> Tables(string schema)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            // Partitions of intraday_bars (migration 0011) are tables of their own; the list names the tables the product queries.
            """
            SELECT t.table_name::text FROM information_schema.tables t
            JOIN pg_class c ON c.relname = t.table_name AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = @s)
            WHERE t.table_schema = @s AND t.table_type = 'BASE TABLE' AND NOT c.relispartition ORDER BY 1
            """, connection);
        command.Parameters.AddWithValue("s", schema);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }
}
