using Npgsql;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>
/// Failures injected for real: a backend terminated while the writer's transaction waits on a lock after its COPY
/// and merge, a trigger refusing a statement, an uncommitted row of a concurrent writer. Nothing is mocked.
/// </summary>
public sealed class PostgresBarWriterFailureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_BackendTerminatedBetweenCopyAndCommit_RetriedOnANewConnectionWithStagingRecreated()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, Retries(3));
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(5))), Ct);
        var writer = (PostgresBarWriter)scope.Writer;
        Assert.Equal(1, writer.StagedBackends);

        // Hold a lock the writer needs after its COPY and merge (symbol_intervals), kill its backend while it waits.
        await using var holder = await scope.OpenAsync();
        await using var lockTx = await holder.BeginTransactionAsync(Ct);
        await using (var lockCommand = new NpgsqlCommand("LOCK TABLE symbol_intervals IN SHARE MODE", holder, lockTx))
        {
            await lockCommand.ExecuteNonQueryAsync(Ct);
        }

        var write = scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(8))), Ct);
        var pid = await BackendProbe.WaitForLockWaitAsync(postgres, "writer_" + scope.Schema);
        await BackendProbe.TerminateAsync(postgres, pid);
        await lockTx.RollbackAsync(Ct);
        var result = await write;

        // Attempt 2 ran on a new backend whose staging tables were created up front (a missed detection would have
        // failed with 42P01 and taken a third attempt).
        Assert.Equal(2, result.Attempts);
        Assert.Equal((3, 0, 5), (result.Inserted, result.Updated, result.Unchanged));
        Assert.Equal(1, writer.StagedBackends);
        Assert.Equal(8, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Equal(Daily(8)[^1].Timestamp, await scope.WatermarkAsync("AAA"));
    }

    [Fact]
    public async Task WriteAsync_FailureBetweenCopyAndCommit_NothingCommittedAndWatermarkNeverAhead()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, Retries(0));
        var bars = Daily(25);
        var batches = WriteBatch.Pack([Fetch("AAA", bars, full: true)], 10).ToList();
        await scope.Writer.WriteAsync(batches[0], Ct);
        await scope.Writer.WriteAsync(batches[1], Ct);

        // Transient failure (the backend dies) with no retries left: the last chunk's rows and the watermark stay out.
        await using (var holder = await scope.OpenAsync())
        await using (var lockTx = await holder.BeginTransactionAsync(Ct))
        {
            await using (var lockCommand = new NpgsqlCommand("LOCK TABLE symbol_intervals IN SHARE MODE", holder, lockTx))
            {
                await lockCommand.ExecuteNonQueryAsync(Ct);
            }

            var write = scope.Writer.WriteAsync(batches[2], Ct);
            await BackendProbe.TerminateAsync(postgres, await BackendProbe.WaitForLockWaitAsync(postgres, "writer_" + scope.Schema));
            var ex = await Assert.ThrowsAsync<BarWriteException>(() => write);
            Assert.True(ex.RetriesExhausted);
            Assert.Equal(["AAA"], ex.Symbols);
        }

        Assert.Equal(20, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Null(await scope.WatermarkAsync("AAA"));

        // A non-transient failure in the same place (a trigger refusing the watermark update): no retry, same outcome.
        await scope.ExecuteAsync("""
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
            CREATE TRIGGER refuse BEFORE UPDATE ON symbol_intervals FOR EACH ROW EXECUTE FUNCTION refuse();
            """);
        var refused = await Assert.ThrowsAsync<BarWriteException>(() => scope.Writer.WriteAsync(batches[2], Ct));
        Assert.False(refused.RetriesExhausted);
        Assert.Contains("AAA", refused.Message, StringComparison.Ordinal);
        Assert.Contains("injected failure", refused.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(refused.InnerException);
        Assert.Equal(20, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Null(await scope.WatermarkAsync("AAA"));

        // Handing the failed chunk again once the cause is gone completes the fetch.
        await scope.ExecuteAsync("DROP TRIGGER refuse ON symbol_intervals");
        var completed = await scope.Writer.WriteAsync(batches[2], Ct);
        Assert.True(Assert.Single(completed.CompletedFetches).WatermarkMoved);
        Assert.Equal(25, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Equal(bars[^1].Timestamp, await scope.WatermarkAsync("AAA"));
        Assert.Equal(0, ((PostgresBarWriter)scope.Writer).TrackedFetches);
    }

    [Fact]
    public async Task WriteAsync_EarlierChunkOfTheFetchFailed_LaterChunksCommitButTheWatermarkStays()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, Retries(0));
        await scope.ExecuteAsync("""
            CREATE FUNCTION refuse_negative() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.close < 0 THEN RAISE EXCEPTION 'negative close'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_negative BEFORE INSERT OR UPDATE ON daily_bars FOR EACH ROW EXECUTE FUNCTION refuse_negative();
            """);
        var bars = Daily(30);
        bars[12] = bars[12] with { Close = -1 };
        var batches = WriteBatch.Pack([Fetch("AAA", bars, full: true)], 10).ToList();

        await scope.Writer.WriteAsync(batches[0], Ct);
        await Assert.ThrowsAsync<BarWriteException>(() => scope.Writer.WriteAsync(batches[1], Ct));
        var last = await scope.Writer.WriteAsync(batches[2], Ct);

        var fetch = Assert.Single(last.CompletedFetches);
        Assert.False(fetch.WatermarkMoved);
        Assert.Null(fetch.Watermark);
        Assert.Null(await scope.WatermarkAsync("AAA"));
        Assert.Equal(20, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
    }

    [Fact]
    public async Task WriteAsync_FastPathMeetsAConcurrentWritersRow_RedoesTheBatchThroughTheMerge()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(10);

        // Another writer has inserted one of the keys and not committed yet: the fresh-history COPY waits on it.
        await using var other = await scope.OpenAsync();
        await using var otherTx = await other.BeginTransactionAsync(Ct);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO daily_bars (symbol, interval, trade_date, ts, open, high, low, close) VALUES ('AAA', '1d', @d, @t, 1, 1, 1, 1)",
            other, otherTx))
        {
            insert.Parameters.AddWithValue("d", bars[3].TradeDate);
            insert.Parameters.AddWithValue("t", bars[3].Timestamp.UtcDateTime);
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var write = scope.Writer.WriteAsync(Batch(Fetch("AAA", bars, full: true)), Ct);
        await BackendProbe.WaitForLockWaitAsync(postgres, "writer_" + scope.Schema);
        await otherTx.CommitAsync(Ct);
        var result = await write;

        Assert.False(result.FastPath);
        Assert.Equal(2, result.Attempts);
        Assert.Equal((9, 1, 0), (result.Inserted, result.Updated, result.Unchanged));
        var stored = await scope.DailyBarsAsync("AAA");
        Assert.Equal(10, stored.Count);
        Assert.Equal(bars[3].Close, stored[3].Close);
        Assert.Equal(bars[^1].Timestamp, await scope.WatermarkAsync("AAA"));
    }

    [Fact]
    public async Task WriteAsync_InvalidChunk_RefusedAndReleasesTheFetchsLaterChunks()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var id = TestFetchIds.Next();
        var first = new FetchChunk(id, new string('X', 40), BarInterval.Daily, false, 0, Daily(3), false);
        var second = new FetchChunk(id, "AAA", BarInterval.Daily, false, 3, Daily(2, Start.AddDays(3)), true);

        await Assert.ThrowsAsync<ArgumentException>(() => scope.Writer.WriteAsync(Batch(first), Ct));
        var result = await scope.Writer.WriteAsync(Batch(second), Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.False(Assert.Single(result.CompletedFetches).WatermarkMoved);
    }

    private static Dictionary<string, string?> Retries(int count) => new()
    {
        ["StockData:Writer:MaxRetries"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["StockData:Writer:RetryBaseDelay"] = "00:00:00.010",
    };
}
