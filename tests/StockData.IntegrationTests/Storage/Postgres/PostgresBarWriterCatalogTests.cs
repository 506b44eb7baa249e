using Npgsql;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>
/// The staging tables are created once per connection and emptied in place: 100 batches leave the catalog as one.
/// A class of its own, so its fixture database sees no other test's DDL.
/// </summary>
public sealed class PostgresBarWriterCatalogTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string CatalogChurn = """
        SELECT sum(n_tup_ins + n_tup_upd + n_tup_del)::bigint FROM pg_stat_sys_tables
        WHERE relname IN ('pg_class', 'pg_attribute', 'pg_type', 'pg_depend')
        """;

    private const string StageIdentity = """
        SELECT c.oid::bigint, c.relfilenode::bigint, c.xmin::text FROM pg_class c
        WHERE c.relname = 'stockdata_daily_stage' AND c.relpersistence = 't'
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_HundredBatches_CatalogDoesNotGrow()
    {
        postgres.EnsureAvailable();
        var schema = "cat_" + Guid.NewGuid().ToString("N")[..10];
        var mergePath = new Dictionary<string, string?> { ["StockData:Writer:FastPath"] = "false" };
        await using (var setup = await WriterScope.CreateAsync(postgres, mergePath, schema))
        {
            // Autovacuum's ANALYZE updates pg_class rows of the tables being written; keep it out of the count.
            await setup.ExecuteAsync("""
                ALTER TABLE daily_bars SET (autovacuum_enabled = false);
                ALTER TABLE bar_revision_sets SET (autovacuum_enabled = false);
                ALTER TABLE symbols SET (autovacuum_enabled = false);
                ALTER TABLE symbol_intervals SET (autovacuum_enabled = false);
                """);
        }

        var oneBatch = await CatalogChurnOfAsync(schema, mergePath, batches: 1);
        var (hundredOneBatches, identities) = await CatalogChurnWithIdentityAsync(schema, mergePath, batches: 101);

        // The staging table after batch 1 and after batch 101 is the same relation, same file, same catalog row version.
        Assert.Equal(identities.First, identities.Last);
        Assert.Equal(identities.VisibleCatalogRowsFirst, identities.VisibleCatalogRowsLast);
        // And the catalog saw exactly the one create (and the drop at disconnect), whatever the number of batches.
        Assert.Equal(oneBatch, hundredOneBatches);
    }

    private async Task<long> CatalogChurnOfAsync(string schema, Dictionary<string, string?> settings, int batches) =>
        (await CatalogChurnWithIdentityAsync(schema, settings, batches)).Churn;

    private async Task<(long Churn, Identities Identities)> CatalogChurnWithIdentityAsync(string schema, Dictionary<string, string?> settings,
        int batches)
    {
        var before = await StableChurnAsync();
        Identities identities;
        var scope = await WriterScope.CreateAsync(postgres, settings, schema);
        await using (scope)
        {
            string? first = null;
            long visibleFirst = 0;
            for (var i = 0; i < batches; i++)
            {
                // Every batch changes every row: merge, update and revisions all run.
                var bars = Daily(50).Select(b => b with { Close = b.Close + i }).ToArray();
                await scope.Writer.WriteAsync(Batch(Fetch("CAT", bars)), Ct);
                if (i == 0)
                {
                    first = await IdentityAsync();
                    visibleFirst = await VisibleCatalogRowsAsync();
                }
            }

            identities = new Identities(first!, await IdentityAsync(), visibleFirst, await VisibleCatalogRowsAsync());
        }

        // Disposing closes the writer's connections: the backends exit and flush their statistics.
        var after = await StableChurnAsync();
        return (after - before, identities);
    }

    private async Task<string> IdentityAsync()
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand(StageIdentity, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct), "the staging table exists");
        var identity = $"{reader.GetInt64(0)}/{reader.GetInt64(1)}/{reader.GetString(2)}";
        Assert.False(await reader.ReadAsync(Ct), "one staging table");
        return identity;
    }

    private async Task<long> VisibleCatalogRowsAsync() =>
        await postgres.ScalarAsync<long>("SELECT (SELECT count(*) FROM pg_class) + (SELECT count(*) FROM pg_attribute) + (SELECT count(*) FROM pg_type)");

    /// <summary>Statistics arrive asynchronously: read until three readings 300 ms apart agree.</summary>
    private async Task<long> StableChurnAsync()
    {
        var last = -1L;
        var same = 0;
        for (var i = 0; i < 100 && same < 3; i++)
        {
            await Task.Delay(300, Ct);
            var now = await postgres.ScalarAsync<long>(CatalogChurn);
            same = now == last ? same + 1 : 0;
            last = now;
        }

        return last;
    }

    private sealed record Identities(string First, string Last, long VisibleCatalogRowsFirst, long VisibleCatalogRowsLast);
}
