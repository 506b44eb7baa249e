using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage;

/// <summary>
/// The schema option through PgBouncer in transaction mode, where no session setting survives a transaction: a schema
/// that does not exist fails the write and leaves no row anywhere (not in the server default's schema either),
/// <c>migrate</c> creates the schema it is given, and a run through PgBouncer stores exactly what a direct run does.
/// </summary>
public sealed class PgBouncerSchemaTests(PgBouncerFixture pgbouncer, PostgresFixture direct)
    : IClassFixture<PgBouncerFixture>, IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_SchemaThatDoesNotExist_FailsLoudlyAndNoRowLandsAnywhere()
    {
        pgbouncer.EnsureAvailable();
        // The tables exist in public, the schema the server's default search_path resolves: where rows went before.
        await using (var publicScope = await WriterScope.CreateAsync(pgbouncer, schema: "public"))
        {
            await using var missing = StorageHost.Create(pgbouncer, new Dictionary<string, string?>
            {
                ["StockData:Storage:Schema"] = "never_created",
                ["StockData:Writer:MaxRetries"] = "0",
            });
            var ex = await Assert.ThrowsAsync<BarWriteException>(() =>
                missing.GetRequiredService<IBarWriter>().WriteAsync(Batch(Fetch("AAA", Daily(30), full: true)), Ct));
            Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
            Assert.Contains("never_created", ex.InnerException!.Message, StringComparison.Ordinal);

            Assert.Equal(0L, await publicScope.CountAsync("SELECT count(*) FROM public.daily_bars"));
            Assert.Equal(0L, await publicScope.CountAsync("SELECT count(*) FROM public.symbols"));
        }

        Assert.Equal(0L, await pgbouncer.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'never_created'"));
    }

    [Fact]
    public async Task Migrate_ThroughPgBouncer_CreatesTheSchemaAndEveryTableInIt()
    {
        pgbouncer.EnsureAvailable();
        var schema = "m_" + Guid.NewGuid().ToString("N")[..10];
        await using var services = StorageHost.Create(pgbouncer, new Dictionary<string, string?> { ["StockData:Storage:Schema"] = schema });
        var migrator = services.GetRequiredService<SchemaMigrator>();

        var applied = await migrator.MigrateAsync(Ct);

        Assert.Equal(SchemaMigrator.All.Count, applied.Count);
        Assert.Equal((long)SchemaMigrator.All.Count,
            await pgbouncer.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_migrations"));
        Assert.Equal(4L, await pgbouncer.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}' AND tablename IN ('daily_bars', 'intraday_bars', 'symbol_intervals', 'bar_counts')"));
        Assert.Empty(await migrator.MigrateAsync(Ct));
    }

    [Fact]
    public async Task Write_ThroughPgBouncerAndDirect_IdenticalRowsRevisionsAndWatermarks()
    {
        pgbouncer.EnsureAvailable();
        direct.EnsureAvailable();
        await using var pooled = await WriterScope.CreateAsync(pgbouncer);
        await using var plain = await WriterScope.CreateAsync(direct);

        var pooledResults = await WriteStoryAsync(pooled);
        var plainResults = await WriteStoryAsync(plain);

        Assert.Equal(plainResults, pooledResults);
        foreach (var query in new[]
                 {
                     "SELECT symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume FROM daily_bars ORDER BY 1, 2, 3",
                     "SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume FROM intraday_bars ORDER BY 1, 2, 3",
                     "SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume FROM bar_revisions ORDER BY 1, 2, 3",
                     "SELECT symbol, interval, watermark, full_refetch_pending, full_refetch_reason FROM symbol_intervals ORDER BY 1, 2",
                     "SELECT symbol, ex_date, ts, numerator, denominator FROM splits ORDER BY 1, 2",
                     "SELECT symbol, interval, rows FROM bar_counts ORDER BY 1, 2",
                 })
        {
            var expected = await RowsAsync(plain, query);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await RowsAsync(pooled, query));
        }
    }

    /// <summary>Fresh history, the same again, a changed one, a split after the watermark, intraday bars: each result.</summary>
    private static async Task<List<(int, int, int, bool)>> WriteStoryAsync(WriterScope scope)
    {
        var results = new List<(int, int, int, bool)>();
        var daily = Daily(40);
        var intraday = Intraday(30, SessionOpen(Start));
        async Task WriteAsync(WriteBatch batch)
        {
            var r = await scope.Writer.WriteAsync(batch, Ct);
            results.Add((r.Inserted, r.Updated, r.Unchanged, r.FastPath));
        }

        await WriteAsync(Batch(Fetch("AAA", daily, full: true), Fetch("BBB", daily, full: true)));
        await WriteAsync(Batch(Fetch("AAA", daily), Fetch("BBB", daily)));
        var changed = daily.Select((b, i) => i % 3 == 0 ? b with { Close = b.Close + 1, Volume = b.Volume + 7 } : b).ToArray();
        await WriteAsync(Batch(Fetch("AAA", changed)));
        var split = new FetchEvents(null, [], [new Split(daily[^1].Timestamp.AddDays(3), daily[^1].TradeDate.AddDays(3), 2, 1)], []);
        await WriteAsync(Batch(Fetch("BBB", daily[^5..], events: split)));
        await WriteAsync(Batch(Fetch("AAA", intraday, full: true, interval: "5m")));
        await WriteAsync(Batch(Fetch("AAA", intraday.Select(b => b with { High = b.High + 0.5 }).ToArray(), interval: "5m")));
        return results;
    }

    private static async Task<List<string>> RowsAsync(WriterScope scope, string query)
    {
        await using var connection = await scope.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(
                reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
