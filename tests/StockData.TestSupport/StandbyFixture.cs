using Npgsql;

namespace StockData.TestSupport;

/// <summary>
/// A <see cref="PostgresFixture"/> whose product also reads from a streaming standby of the test server
/// (STOCKDATA_TEST_PG_STANDBY, started by scripts/services.sh <c>sd_standby_up</c> with <c>pg_basebackup -R</c>): the
/// scratch database replicates to it, and <see cref="ReadConnectionString"/> names it there. Writes and assertions go
/// to the primary; <see cref="CatchUpAsync"/> waits for the standby to replay them. With CI=true (or
/// STOCKDATA_TEST_REQUIRE=1) a missing standby fails the run; elsewhere the tests are skipped with the reason.
/// </summary>
public sealed class StandbyFixture : PostgresFixture
{
    public const string EnvironmentVariable = "STOCKDATA_TEST_PG_STANDBY";

    /// <summary>The standby's folder (SD_STANDBY_DIR), for the tests that stop and restart it.</summary>
    public const string DirectoryVariable = "SD_STANDBY_DIR";

    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(2);

    private string _read = "";

    public override string? ReadConnectionString => _read;

    /// <summary>The standby's data folder (scripts/services.sh pg-stop / pg-start take it).</summary>
    public string StandbyDirectory => Environment.GetEnvironmentVariable(DirectoryVariable) ?? "";

    protected override async Task OnStartedAsync()
    {
        var standby = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(standby))
        {
            var message = $"{EnvironmentVariable} is not set: run the tests through scripts/test.sh (it starts a streaming standby with " +
                          "scripts/services.sh sd_standby_up), or set it to a hot standby of STOCKDATA_TEST_PG.";
            if (MustHaveServers)
            {
                throw new InvalidOperationException(message);
            }

            SkipReason = message;
            return;
        }

        await base.OnStartedAsync();
        _read = new NpgsqlConnectionStringBuilder(standby) { Database = DatabaseName }.ConnectionString;
        await CatchUpAsync();
    }

    /// <summary>A direct connection to the scratch database on the standby (read-only).</summary>
    public async Task<NpgsqlConnection> OpenStandbyAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_read) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a scalar query on the standby.</summary>
    public async Task<T> StandbyScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await OpenStandbyAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until the standby has replayed the primary's WAL as it stands now (its scratch database included).</summary>
    public override async Task CatchUpAsync()
    {
        string target;
        await using (var primary = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString))
        {
            await primary.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", primary);
            target = (string)(await command.ExecuteScalarAsync())!;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        Exception? last = null;
        while (started.Elapsed < CatchUpTimeout)
        {
            try
            {
                await using var connection = await OpenStandbyAsync();
                await using var command = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
                if ((bool)(await command.ExecuteScalarAsync())!)
                {
                    return;
                }
            }
            catch (NpgsqlException ex)
            {
                // The scratch database not replayed yet (3D000), or the standby restarting: ask again.
                last = ex;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the standby did not replay up to {target} within {CatchUpTimeout}", last);
    }
}
