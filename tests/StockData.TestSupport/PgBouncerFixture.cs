using Npgsql;

namespace StockData.TestSupport;

/// <summary>
/// A <see cref="PostgresFixture"/> whose product connection string leads through PgBouncer in transaction mode
/// (STOCKDATA_TEST_PGBOUNCER, started by scripts/services.sh <c>sd_pgbouncer_up</c>: <c>pool_mode = transaction</c>,
/// a <c>default_pool_size</c> smaller than one replica's pool). The scratch database is the fixture's own; PgBouncer
/// serves any database name. Assertions still read directly. With CI=true (or STOCKDATA_TEST_REQUIRE=1) a missing
/// PgBouncer fails the run; elsewhere the tests are skipped with the reason.
/// </summary>
public sealed class PgBouncerFixture : PostgresFixture
{
    public const string EnvironmentVariable = "STOCKDATA_TEST_PGBOUNCER";

    private string _pooled = "";

    public override string ProductConnectionString => _pooled;

    public override bool ThroughTransactionPooler => true;

    protected override async Task OnStartedAsync()
    {
        var pgbouncer = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(pgbouncer))
        {
            var message = $"{EnvironmentVariable} is not set: run the tests through scripts/test.sh (it starts PgBouncer with " +
                          "scripts/services.sh sd_pgbouncer_up), or set it to a PgBouncer in transaction mode in front of STOCKDATA_TEST_PG.";
            if (MustHaveServers)
            {
                throw new InvalidOperationException(message);
            }

            SkipReason = message;
            return;
        }

        await base.OnStartedAsync();
        _pooled = new NpgsqlConnectionStringBuilder(pgbouncer) { Database = DatabaseName }.ConnectionString;
    }
}
