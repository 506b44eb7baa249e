using Npgsql;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>
/// A schema as an older build left it: the migrations up to a version applied and recorded as the migrator records them,
/// so the current migrator applies only the later ones (a store being upgraded).
/// </summary>
public static class MigratedThrough
{
    public static async Task CreateAsync(PostgresFixture postgres, string schema, int lastVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await postgres.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Run($"CREATE SCHEMA \"{schema}\"");
        await Run($"SET LOCAL search_path TO \"{schema}\"");
        await Run("""
            CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                                            applied_at timestamptz NOT NULL DEFAULT now())
            """);
        foreach (var migration in SchemaMigrator.All.Where(m => m.Version <= lastVersion))
        {
            await Run(migration.Sql);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", connection, transaction);
            record.Parameters.AddWithValue("v", migration.Version);
            record.Parameters.AddWithValue("n", migration.Name);
            record.Parameters.AddWithValue("c", migration.Checksum);
            await record.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);

        async Task Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
