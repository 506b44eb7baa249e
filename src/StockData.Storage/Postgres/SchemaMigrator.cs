using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StockData.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> files in order, each once, in one transaction under a
/// transaction-scoped advisory lock, so replicas starting together serialise and the second finds nothing to do.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, IOptions<StorageOptions> options, ILogger<SchemaMigrator> logger,
    Replica.WriteFence fence)
{
    private const string ResourcePrefix = "StockData.Storage.Migrations.";

    /// <summary>The migrations this build knows, ordered by version.</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadMigrations();

    /// <summary>Applies what is missing; returns the names applied now (empty when the schema was current).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var schema = options.Value.Schema;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", LockKey(schema));
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // The schema name is validated as a plain identifier at start-up (StorageOptions.Schema); DDL takes no parameters.
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"", cancellationToken);
        // The migrations create their objects unqualified: SET LOCAL puts the schema first on the search_path for this
        // transaction only (a pooler in transaction mode lends the backend for exactly this long), and the bar_counts
        // trigger functions capture it (SET search_path FROM CURRENT, migration 0010).
        await ExecuteAsync(connection, transaction, $"SET LOCAL search_path TO \"{schema}\"", cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken);

        var applied = new Dictionary<int, string>();
        await using (var select = new NpgsqlCommand($"SELECT version, checksum FROM \"{schema}\".schema_migrations", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var appliedNow = new List<string>();
        foreach (var migration in All)
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Name} was edited after it was applied to schema '{schema}' " +
                        "(checksum differs): migrations are append-only, add a new one instead.");
                }

                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                $"INSERT INTO \"{schema}\".schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            appliedNow.Add(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        if (appliedNow.Count > 0 && fence.Enabled)
        {
            // New tables: no read of this process may go to a standby that has not replayed them yet.
            await using var position = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", connection);
            fence.RecordEverything((ulong)(NpgsqlTypes.NpgsqlLogSequenceNumber)(await position.ExecuteScalarAsync(cancellationToken))!);
        }

        StorageLog.MigrationsApplied(logger, schema, appliedNow.Count, All.Count);
        return appliedNow;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Embedded migration text and a validated identifier, never user input.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(ct);
    }

    private static long LockKey(string schema) =>
        (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("stockdata:migrate:" + schema));

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..^".sql".Length];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            list.Add(new Migration(version, name, sql, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql)))));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        return list;
    }
}

/// <summary>One embedded migration.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);
