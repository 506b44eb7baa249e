using StockData.Bench.Benchmarks;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>Several writers and parallel batches against one real database.</summary>
public class PostgresBarWriterConcurrencyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_TwoWritersOnOverlappingSymbolsAtOnce_EveryRowOnceAndNoBatchFails()
    {
        postgres.EnsureAvailable();
        await using var first = await WriterScope.CreateAsync(postgres);
        await using var second = first.Sibling();
        // Writer 1 owns S00..S11, writer 2 S06..S17: six symbols overlap. Both send the same values for a key, in
        // three rounds: fresh history (both predict the fast path), then re-sends, then every close changed.
        string[] Symbols(int from) => [.. Enumerable.Range(from, 12).Select(i => $"S{i:00}")];
        async Task<List<WriteResult>> Run(IBarWriter writer, string[] symbols, double bump)
        {
            var results = new List<WriteResult>();
            var chunks = symbols.Select(s => Fetch(s, Daily(300).Select(b => b with { Close = b.Close + bump }).ToArray()));
            foreach (var batch in WriteBatch.Pack(chunks, 1000))
            {
                results.Add(await writer.WriteAsync(batch, Ct));
            }

            return results;
        }

        // Per round, between the two writers: each of the 18 × 300 keys is inserted (or changed) exactly once, and
        // the 6 × 300 overlapping rows the second-comer meets are unchanged.
        (double Bump, int Inserted, int Updated)[] rounds = [(0.0, 5400, 0), (0.0, 0, 0), (0.25, 0, 5400)];
        foreach (var (bump, inserted, updated) in rounds)
        {
            var both = await Task.WhenAll(Run(first.Writer, Symbols(0), bump), Run(second.Writer, Symbols(6), bump));

            var all = both.SelectMany(r => r).ToList();
            Assert.Equal((inserted, updated, 7200 - inserted - updated),
                (all.Sum(r => r.Inserted), all.Sum(r => r.Updated), all.Sum(r => r.Unchanged)));
            Assert.Equal(18 * 300, await first.CountAsync("SELECT count(*) FROM daily_bars"));
            Assert.Equal(18 * 300, await first.CountAsync(
                $"SELECT count(*) FROM daily_bars WHERE close = open + 1 + {bump.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        Assert.Equal(5400, await first.CountAsync("SELECT count(*) FROM bar_revisions"));
        Assert.Equal(18, await first.CountAsync("SELECT count(*) FROM symbol_intervals WHERE watermark IS NOT NULL"));
    }

    // The merge updates changed rows by the row id its look-up read. These two hold a lock on one row a batch is about
    // to change, let the batch read the old version and queue behind the lock, then commit: the row's id is stale by
    // the time the batch gets it. Every changed row must still end up with the batch's values and one revision, and
    // the contested row's revision holds what the concurrent change committed (its volume).
    [Theory]
    [InlineData("UPDATE daily_bars SET volume = volume + 1 WHERE symbol = 'RACE' AND trade_date = '2024-01-12'", 1011)]
    [InlineData("""
        WITH gone AS (DELETE FROM daily_bars WHERE symbol = 'RACE' AND trade_date = '2024-01-12' RETURNING *)
        INSERT INTO daily_bars SELECT * FROM gone
        """, 1010)]
    public async Task WriteAsync_RowChangedConcurrentlyAfterTheMergeReadIt_StillGetsTheBatchsValues(string concurrentChange, long replacedVolume)
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(40);
        await scope.Writer.WriteAsync(Batch(Fetch("RACE", bars, full: true)), Ct);

        await using var other = await scope.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await using (var change = new Npgsql.NpgsqlCommand(concurrentChange, other, transaction))
        {
            Assert.Equal(1, await change.ExecuteNonQueryAsync(Ct));
        }

        var changed = bars.Select(b => b with { Close = b.Close + 0.25 }).ToArray();
        var write = scope.Writer.WriteAsync(Batch(Fetch("RACE", changed, full: true)), Ct);
        var blocked = $"SELECT count(*) FROM pg_stat_activity WHERE {other.ProcessID} = ANY (pg_blocking_pids(pid))";
        while (await scope.CountAsync(blocked) == 0)
        {
            Assert.False(write.IsCompleted, "the batch finished without meeting the locked row");
            await Task.Delay(20, Ct);
        }

        await transaction.CommitAsync(Ct);
        var result = await write;

        Assert.Equal((0, 40, 0), (result.Inserted, result.Updated, result.Unchanged));
        Assert.Equal(40, await scope.CountAsync("SELECT count(*) FROM daily_bars WHERE symbol = 'RACE' AND close = open + 1.25"));
        Assert.Equal(40, await scope.CountAsync("SELECT count(*) FROM daily_bars WHERE symbol = 'RACE' AND volume = 1000 + (trade_date - date '2024-01-02')"));
        Assert.Equal(40, await scope.CountAsync("SELECT count(DISTINCT trade_date) FROM bar_revisions WHERE symbol = 'RACE'"));
        Assert.Equal(replacedVolume, await scope.CountAsync(
            "SELECT volume FROM bar_revisions WHERE symbol = 'RACE' AND trade_date = '2024-01-12'"));
    }

    [Fact]
    public async Task WriteAsync_TwoFreshHistoryWritersOnTheSameSymbols_NothingLostOrDuplicated()
    {
        postgres.EnsureAvailable();
        await using var first = await WriterScope.CreateAsync(postgres);
        await using var second = first.Sibling();
        var chunks = new[] { "AAA", "BBB", "CCC", "DDD" }.Select(s => Fetch(s, Daily(1500))).ToList();

        var results = await Task.WhenAll(
            Task.Run(async () => await first.Writer.WriteAsync(new WriteBatch(chunks), Ct)),
            Task.Run(async () => await second.Writer.WriteAsync(new WriteBatch([.. chunks.AsEnumerable().Reverse()]), Ct)));

        Assert.Equal(6000, results.Sum(r => r.Inserted));
        Assert.Equal(6000, results.Sum(r => r.Unchanged));
        Assert.Equal(6000, await first.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Equal(6000, await first.CountAsync("SELECT count(DISTINCT (symbol, trade_date)) FROM daily_bars"));
    }

    [Fact]
    public async Task WriteAsync_LaterBatchOfAFetchStartedFirst_WaitsAndCommitsAfterTheEarlierOne()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(30);
        var batches = WriteBatch.Pack([Fetch("AAA", bars, full: true), Fetch("BBB", Daily(5))], 20).ToList();

        var later = scope.Writer.WriteAsync(batches[1], Ct);
        await Task.Delay(300, Ct);
        Assert.False(later.IsCompleted);
        // It has COPYed its rows and waits with its transaction open (the overlap), committing nothing yet.
        Assert.Equal(0, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Equal(1, await WritingTransactionsAsync(scope));
        var earlier = await scope.Writer.WriteAsync(batches[0], Ct);
        var last = await later;

        Assert.Equal(20, earlier.Inserted);
        // The watermark moves only when every earlier chunk had committed when the last one went to commit.
        Assert.True(Assert.Single(last.CompletedFetches, f => f.Symbol == "AAA").WatermarkMoved);
        Assert.Equal(bars[^1].Timestamp, await scope.WatermarkAsync("AAA"));
        Assert.Equal(0, await MiscountedAsync(scope));
        Assert.Equal(0, ((PostgresBarWriter)scope.Writer).TrackedFetches);
    }

    // A wait PostgreSQL cannot see: the later batch (started first) COPYed a fetch that repeats five of the earlier
    // batch's keys, and waits for its turn; the earlier batch's COPY queues behind those keys. The later batch gives up
    // after OverlapWait, rolls back and writes again once the earlier one committed.
    [Fact]
    public async Task WriteAsync_LaterBatchHoldsKeysTheEarlierOneNeeds_RollsBackAfterOverlapWaitAndBothCommit()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres,
            new Dictionary<string, string?> { ["StockData:Writer:OverlapWait"] = "00:00:00.500" });
        var bars = Daily(30);
        var batches = WriteBatch.Pack([Fetch("AAA", bars, full: true), Fetch("AAA", bars[..5])], 20).ToList();
        Assert.Equal(2, batches.Count);

        var later = scope.Writer.WriteAsync(batches[1], Ct);
        await WaitUntilAsync(async () => await WritingTransactionsAsync(scope) == 1);
        var earlier = scope.Writer.WriteAsync(batches[0], Ct);
        var results = await Task.WhenAll(earlier, later).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(30, results.Sum(r => r.Inserted));
        Assert.Equal(30, await scope.CountAsync("SELECT count(*) FROM daily_bars WHERE symbol = 'AAA'"));
        Assert.True(Assert.Single(results[1].CompletedFetches, f => f.FetchId == batches[0].Chunks[0].FetchId).WatermarkMoved);
        Assert.Equal(bars[^1].Timestamp, await scope.WatermarkAsync("AAA"));
        Assert.Equal(0, await MiscountedAsync(scope));
    }

    [Fact]
    public async Task WriteAsync_FreshAndStoredSymbolsTwoBatchesAtATime_CountsAndWatermarksAsWrittenOneByOne()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        // Two symbols with history (their batches merge), then fetches that span batches: fresh daily and 5m symbols
        // (COPYed straight in, counted by the writer) mixed with the stored ones' new bars (merged, counted by the trigger).
        await scope.Writer.WriteAsync(Batch(Fetch("OLD1", Daily(100)), Fetch("OLD2", Daily(100))), Ct);
        var start = SessionOpen(Start);
        FetchChunk[] fetches =
        [
            Fetch("OLD1", Daily(400)), Fetch("NEW1", Daily(700)), Fetch("NEW2", Daily(450)),
            Fetch("NEW1", Intraday(900, start), interval: "5m"), Fetch("OLD2", Daily(250)), Fetch("NEW3", Intraday(600, start), interval: "5m"),
        ];
        var batches = WriteBatch.Pack(fetches, 300).ToList();

        var results = await BenchWrites.WriteAllAsync(scope.Writer, batches, 2, Ct);

        Assert.Equal(300 + 700 + 450 + 900 + 150 + 600, results.Sum(r => r.Inserted));
        Assert.Equal(0, await MiscountedAsync(scope));
        Assert.Equal(6, await scope.CountAsync("SELECT count(*) FROM bar_counts"));
        Assert.Equal(6, await scope.CountAsync("""
            SELECT count(*) FROM symbol_intervals si
            WHERE watermark = (SELECT max(ts) FROM bars b WHERE b.symbol = si.symbol AND b.interval = si.interval)
            """));
        Assert.Equal(0, ((PostgresBarWriter)scope.Writer).TrackedFetches);
    }

    /// <summary>(symbol, interval) pairs whose bar_counts row differs from the rows stored.</summary>
    private static Task<long> MiscountedAsync(WriterScope scope) => scope.CountAsync("""
        SELECT count(*) FROM (SELECT symbol, interval, count(*) AS n FROM bars GROUP BY symbol, interval) b
        FULL JOIN bar_counts c USING (symbol, interval) WHERE b.n IS DISTINCT FROM c.rows
        """);

    /// <summary>The scope's writer backends waiting in a transaction that has written something.</summary>
    private static Task<long> WritingTransactionsAsync(WriterScope scope) => scope.CountAsync(
        $"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'writer_{scope.Schema}' AND state = 'idle in transaction' AND backend_xid IS NOT NULL");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var met = false;
        for (var i = 0; i < 400 && !(met = await condition()); i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.True(met);
    }

    [Fact]
    public async Task WriteAsync_ManyParallelBatches_EveryFetchCompletesInOrderThroughThePool()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, new Dictionary<string, string?> { ["StockData:Storage:MaxPoolSize"] = "4" });
        var fetches = Enumerable.Range(0, 12).Select(i => Fetch($"P{i:00}", Daily(700 + (37 * i)))).ToList();
        var batches = WriteBatch.Pack(fetches, 1000).ToList();

        // Write parallelism 4, batches started in order as the write stage (a Dataflow block) starts them.
        var results = await BenchWrites.WriteAllAsync(scope.Writer, batches, 4, Ct);

        Assert.Equal(fetches.Sum(f => f.RowCount), results.Sum(r => r.Inserted));
        Assert.Equal(12, results.SelectMany(r => r.CompletedFetches).Count(f => f.WatermarkMoved));
        Assert.Equal(12, await scope.CountAsync("SELECT count(*) FROM symbol_intervals si WHERE watermark = " +
            "(SELECT ts FROM daily_bars b WHERE b.symbol = si.symbol ORDER BY trade_date DESC LIMIT 1)"));
        Assert.Equal(0, ((PostgresBarWriter)scope.Writer).TrackedFetches);
    }
}
