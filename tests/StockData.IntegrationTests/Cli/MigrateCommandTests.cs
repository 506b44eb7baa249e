using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

[Collection(ProcessCollection.Name)]
public sealed class MigrateCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Migrate_TwiceAgainstRealDatabase_AppliesThenReportsCurrent()
    {
        postgres.EnsureAvailable();
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
            ["StockData__Storage__Schema"] = "cli_" + Guid.NewGuid().ToString("N")[..8],
        };

        var first = await ProcessRunner.RunStockDataAsync(["migrate"], env);
        var second = await ProcessRunner.RunStockDataAsync(["migrate"], env);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("applied", first.StandardOutput, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("schema is current", second.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_NoConnectionString_OneClearLineAndExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["migrate"]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ConnectionStrings__Postgres", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_InvalidOption_NamesTheSettingAndExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["migrate"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Username=postgres",
            ["StockData__Storage__MaxPoolSize"] = "0",
        });

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("MaxPoolSize", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_UnreachableDatabase_ClearMessageNoPassword()
    {
        var port = LoopbackPorts.Free();
        var result = await ProcessRunner.RunStockDataAsync(["migrate"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={port};Username=postgres;Password=hunter2-secret;Timeout=3",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot reach PostgreSQL", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerb_UsageErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["no-such-verb"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-verb", result.StandardError, StringComparison.Ordinal);
    }
}
