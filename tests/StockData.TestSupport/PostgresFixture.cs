using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;

namespace StockData.TestSupport;

/// <summary>
/// A real PostgreSQL (STOCKDATA_TEST_PG, else a container) and a scratch database of this fixture's own, dropped at
/// the end, so test classes and test projects can run in parallel on one server.
/// </summary>
public class PostgresFixture() : ExternalOrContainerFixture("STOCKDATA_TEST_PG")
{
    /// <summary>The scratch database's connection string.</summary>
    public string DatabaseConnectionString { get; private set; } = "";

    /// <summary>
    /// The connection string the product under test is given: the scratch database, directly here, through PgBouncer
    /// in <see cref="PgBouncerFixture"/>. Assertions never use it (<see cref="OpenAsync"/> is always direct).
    /// </summary>
    public virtual string ProductConnectionString => DatabaseConnectionString;

    /// <summary>True when <see cref="ProductConnectionString"/> leads through a pooler in transaction mode.</summary>
    public virtual bool ThroughTransactionPooler => false;

    /// <summary>The product's <c>ConnectionStrings:PostgresRead</c> (a streaming standby, <see cref="StandbyFixture"/>); null here.</summary>
    public virtual string? ReadConnectionString => null;

    /// <summary>
    /// Waits until the product's read server holds everything written so far (no-op without a standby): a test that
    /// writes through its own connection and then reads through the product wants the product to see it.
    /// </summary>
    public virtual Task CatchUpAsync() => Task.CompletedTask;

    /// <summary>The scratch database's name.</summary>
    public string DatabaseName { get; } = "t_" + Guid.NewGuid().ToString("N")[..20];

    protected override IContainer BuildContainer() => new PostgreSqlBuilder("postgres:15").Build();

    protected override string ContainerConnectionString(IContainer container) => ((PostgreSqlContainer)container).GetConnectionString();

    protected override async Task OnStartedAsync()
    {
        await using (var admin = await OpenAdminAsync())
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", admin))
        {
            await command.ExecuteNonQueryAsync();
        }

        DatabaseConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = DatabaseName }
            .ConnectionString;
    }

    protected override async Task OnStoppingAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = await OpenAdminAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A connection to the scratch database, for assertions (not through the product's data source).</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a scalar query against the scratch database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
