using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><c>stockdata retention</c> as an operator runs it: a dry run lists and keeps, the real run drops; a bad entry stops it.</summary>
[Collection(ProcessCollection.Name)]
public sealed class RetentionCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Retention_DryRunListsTheExpiredMonth_ThenTheRealRunDropsIt()
    {
        postgres.EnsureAvailable();
        var schema = "ret_" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
            ["StockData__Storage__Schema"] = schema,
            ["StockData__Retention__Intervals__1m"] = "90d",
        };
        var migrate = await ProcessRunner.RunStockDataAsync(["migrate"], env);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("intraday partitions:", migrate.StandardOutput, StringComparison.Ordinal);
        // Two years old: its month (created by the first run, from the DEFAULT partition) is wholly past 90 days on any clock.
        var old = DateTime.UtcNow.AddYears(-2);
        await ExecuteAsync(schema, $"""
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close)
            VALUES ('OLD', '1m', '{old:yyyy-MM-dd} 15:00+00', '{old:yyyy-MM-dd}', 1, 1, 1, 1),
                   ('NEW', '1m', now(), current_date, 1, 1, 1, 1)
            """);
        var name = $"intraday_bars_1m_{old:yyyy_MM}";

        var dry = await ProcessRunner.RunStockDataAsync(["retention", "--dry-run"], env);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("would drop", dry.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(name, dry.StandardOutput, StringComparison.Ordinal); // still in the DEFAULT partition: no month yet

        var first = await ProcessRunner.RunStockDataAsync(["retention"], env);
        var second = await ProcessRunner.RunStockDataAsync(["retention"], env);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        // The first run moved the row out of the DEFAULT partition into its own month and dropped that month at once.
        Assert.Contains("rows in DEFAULT       1", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(name, first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("dropped               nothing", second.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("NEW", await ScalarAsync(schema, "SELECT string_agg(symbol, ',') FROM intraday_bars"));
        Assert.Equal("NEW/1", await ScalarAsync(schema, "SELECT string_agg(symbol || '/' || rows, ',') FROM bar_counts WHERE rows > 0"));
    }

    [Fact]
    public async Task Retention_BadDuration_NamesTheKeyAndExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["retention", "--dry-run"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Username=postgres",
            ["StockData__Retention__Intervals__1m"] = "90 days",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("StockData:Retention:Intervals:1m", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("90d", result.StandardError, StringComparison.Ordinal);
    }

    private async Task ExecuteAsync(string schema, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{schema}\"; {sql}", connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<string> ScalarAsync(string schema, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{schema}\"; {sql}", connection);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
