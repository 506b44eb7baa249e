using Npgsql;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>Watches and interferes with the writer's server backends from outside (pg_stat_activity).</summary>
public static class BackendProbe
{
    /// <summary>Waits until a backend of <paramref name="applicationName"/> is blocked on a lock; returns its pid.</summary>
    public static async Task<int> WaitForLockWaitAsync(PostgresFixture postgres, string applicationName, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        await using var connection = await postgres.OpenAsync();
        while (TimeProvider.System.GetElapsedTime(deadline) < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            await using var command = new NpgsqlCommand(
                "SELECT pid FROM pg_stat_activity WHERE application_name = @a AND wait_event_type = 'Lock' LIMIT 1", connection);
            command.Parameters.AddWithValue("a", applicationName);
            if (await command.ExecuteScalarAsync() is int pid)
            {
                return pid;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No backend of {applicationName} waited on a lock.");
    }

    public static async Task TerminateAsync(PostgresFixture postgres, int pid)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend(@p)", connection);
        command.Parameters.AddWithValue("p", pid);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }
}
