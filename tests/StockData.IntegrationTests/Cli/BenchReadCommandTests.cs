using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary>
/// <c>stockdata-bench read</c> as a real process on a tiny store: it loads through the writer, starts a real worker and
/// real exports, and prints every figure (no timing is asserted: only that each was measured).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BenchReadCommandTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static readonly string[] Figures =
    [
        "copy_rows_per_s", "csv_rows_per_s", "json_rows_per_s", "csv_adjusted_rows_per_s", "parquet_rows_per_s", "export_csv_rows_per_s",
        "export_one_symbol_s", "csv_to_copy", "json_to_copy", "parquet_to_copy", "export_csv_to_copy", "csv_adjusted_to_csv",
    ];

    [Fact]
    public async Task TinyRun_PrintsEveryFigurePositive_WithItsSpread_AndDropsItsScratchSchema()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var result = await ProcessRunner.RunStockDataBenchAsync(["read", "--symbols", "3", "--years", "1", "--rounds", "1", "--json"],
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Postgres"] = postgres.DatabaseConnectionString,
                ["ConnectionStrings__Redis"] = redis.ConnectionString,
            }, TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(3 * 252, root.GetProperty("rows").GetInt64());
        Assert.Equal(1, root.GetProperty("rounds").GetInt32());
        Assert.All(Figures, key => Assert.True(root.GetProperty(key).GetDouble() > 0, key));
        var spread = root.GetProperty("spread");
        Assert.All(Figures, key =>
        {
            var figure = spread.GetProperty(key);
            Assert.Equal(1, figure.GetProperty("samples").GetInt32());
            Assert.Equal(root.GetProperty(key).GetDouble(), figure.GetProperty("median").GetDouble());
        });
        // The adjusted read had events to apply: the load wrote a split and dividends.
        Assert.Matches(@"loaded 756 rows of 3 symbols through the writer \(1 splits, \d+ dividends\)", result.StandardError);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"));
    }
}
