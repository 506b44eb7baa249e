using Npgsql;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>
/// What a revision holds when another writer works on the same row: always the version the batch's update really
/// replaced, i.e. the one committed immediately before it, on each of the merge's paths. Each test forces its
/// interleaving with locks held by other connections and waits (pg_blocking_pids) until the batch is queued behind
/// them before letting go, so the order is the same on any machine, busy or not.
/// </summary>
public sealed class PostgresBarWriterRevisionRaceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Symbol = "REV";
    private const string Columns = "trade_date, ts, open, high, low, close, adj_close, volume";
    private static readonly DateOnly Contested = Start.AddDays(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // By row id: the batch reads the stored version, then queues behind another transaction's uncommitted change of
    // it, which rolls back. The version the batch read is still the current one, so the compare-and-set updates it
    // and the revision holds it, not the value that was never committed.
    [Fact]
    public async Task WriteAsync_ChangeOfTheRowRolledBackWhileTheBatchWaited_RevisionHoldsTheCommittedValue()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(40);
        await scope.Writer.WriteAsync(Batch(Fetch(Symbol, bars, full: true)), Ct);
        var before = await RowAsync(scope, Contested);

        await using var other = await scope.OpenAsync();
        await using var change = await other.BeginTransactionAsync(Ct);
        Assert.Equal(1, await ExecuteAsync(other, change, $"UPDATE daily_bars SET close = close + 100, volume = 7 WHERE {Where(Contested)}"));

        var write = scope.Writer.WriteAsync(Batch(Fetch(Symbol, Bumped(bars), full: true)), Ct);
        await BlockedByAsync(scope, other, write);
        await change.RollbackAsync(Ct);
        var result = await write;

        Assert.Equal((0, 40, 0), (result.Inserted, result.Updated, result.Unchanged));
        var revisions = await RevisionsAsync(scope);
        Assert.Equal(40, revisions.Count);
        Assert.Equal(before, revisions.Single(r => r.Bar.TradeDate == Contested));
        Assert.All(revisions, r => Assert.Equal(Stored(bars.Single(b => b.TradeDate == r.Bar.TradeDate)), r.Bar));
        Assert.Equal(Stored(Bumped(bars)), (await scope.DailyBarsAsync(Symbol)).ToArray());
    }

    // By key: a second writer commits a change after the batch read the row (so the update by row id misses it and
    // the by-key merge takes over), and a third has an uncommitted change on top of that when the by-key merge
    // starts, committed only once the batch waits for it. The by-key merge's snapshot holds the second writer's
    // values; the row it overwrites holds the third's, and that is what the revision must hold.
    [Fact]
    public async Task WriteAsync_ThirdWriterChangedTheRowBeforeTheByKeyMergeLockedIt_RevisionHoldsTheThirdWritersValue()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(40);
        await scope.Writer.WriteAsync(Batch(Fetch(Symbol, bars, full: true)), Ct);

        // Holds the batch between its read and its merge: the merge statement inserts revisions, so it waits for this
        // lock before it takes its snapshot; the read before it and the other writers' updates do not.
        await using var gate = await scope.OpenAsync();
        await using var gateTransaction = await gate.BeginTransactionAsync(Ct);
        await ExecuteAsync(gate, gateTransaction, "LOCK TABLE bar_revision_sets IN SHARE MODE");

        var write = scope.Writer.WriteAsync(Batch(Fetch(Symbol, Bumped(bars), full: true)), Ct);
        await BlockedByAsync(scope, gate, write);

        Assert.Equal(1011, await scope.CountAsync(
            $"UPDATE daily_bars SET volume = volume + 1, updated_at = now() WHERE {Where(Contested)} RETURNING volume"));
        await using var third = await scope.OpenAsync();
        await using var thirdTransaction = await third.BeginTransactionAsync(Ct);
        Assert.Equal(1, await ExecuteAsync(third, thirdTransaction,
            $"UPDATE daily_bars SET volume = volume + 10, adj_close = 3.5, updated_at = now() WHERE {Where(Contested)}"));
        var thirdValue = await RowAsync(third, thirdTransaction, Contested);

        await gateTransaction.CommitAsync(Ct);
        await BlockedByAsync(scope, third, write);
        await thirdTransaction.CommitAsync(Ct);
        var result = await write;

        Assert.Equal((0, 40, 0), (result.Inserted, result.Updated, result.Unchanged));
        var revisions = await RevisionsAsync(scope);
        Assert.Equal(40, revisions.Count);
        Assert.Equal(thirdValue, revisions.Single(r => r.Bar.TradeDate == Contested));
        Assert.Equal(1000 + 10 + 11, thirdValue.Bar.Volume);
        Assert.All(revisions.Where(r => r.Bar.TradeDate != Contested),
            r => Assert.Equal(Stored(bars.Single(b => b.TradeDate == r.Bar.TradeDate)), r.Bar));
        Assert.Equal(Stored(Bumped(bars)), (await scope.DailyBarsAsync(Symbol)).ToArray());
    }

    // An insert that meets a concurrent insert: the batch's read does not find the key, another transaction has
    // inserted it uncommitted, the batch's insert waits for it, and it commits. Through the merge (the symbol has
    // history) and through the fresh-history COPY (it has none). The batch's values win; the concurrent writer's
    // values are a revision when they differ from the batch's, and nothing is recorded or rewritten when they do not.
    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task WriteAsync_NewKeyConcurrentlyInsertedByAnotherWriter_RevisionHoldsItsValuesWhenTheyDiffer(bool history, bool identical)
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(41);
        var stored = history ? 40 : 0;
        if (history)
        {
            await scope.Writer.WriteAsync(Batch(Fetch(Symbol, bars[..40], full: true)), Ct);
        }

        var last = bars[^1];
        var theirs = identical ? last : last with { Close = last.Close + 3, AdjClose = null, Volume = 5 };
        await using var other = await scope.OpenAsync();
        await using var insert = await other.BeginTransactionAsync(Ct);
        await using (var command = new NpgsqlCommand(
            "INSERT INTO daily_bars (symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume) " +
            "VALUES (@s, '1d', @d, @t, @o, @h, @l, @c, @a, @v)", other, insert))
        {
            command.Parameters.AddWithValue("s", Symbol);
            command.Parameters.AddWithValue("d", theirs.TradeDate);
            command.Parameters.AddWithValue("t", theirs.Timestamp.UtcDateTime);
            command.Parameters.AddWithValue("o", theirs.Open);
            command.Parameters.AddWithValue("h", theirs.High);
            command.Parameters.AddWithValue("l", theirs.Low);
            command.Parameters.AddWithValue("c", theirs.Close);
            command.Parameters.AddWithValue("a", (object?)theirs.AdjClose ?? DBNull.Value);
            command.Parameters.AddWithValue("v", (object?)theirs.Volume ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(Ct);
        }

        var theirValue = await RowAsync(other, insert, last.TradeDate);
        var write = scope.Writer.WriteAsync(Batch(Fetch(Symbol, bars, full: true)), Ct);
        await BlockedByAsync(scope, other, write);
        await insert.CommitAsync(Ct);
        var result = await write;

        var revisions = await RevisionsAsync(scope);
        if (identical)
        {
            Assert.Equal((40 - stored, 0, stored + 1), (result.Inserted, result.Updated, result.Unchanged));
            Assert.Empty(revisions);
            Assert.Equal(theirValue, await RowAsync(scope, last.TradeDate));
        }
        else
        {
            Assert.Equal((40 - stored, 1, stored), (result.Inserted, result.Updated, result.Unchanged));
            Assert.Equal(theirValue, Assert.Single(revisions));
        }

        Assert.Equal(Stored(bars), (await scope.DailyBarsAsync(Symbol)).ToArray());
    }

    /// <summary>A stored or replaced bar with the time its values were written (a revision's valid_from).</summary>
    private sealed record RowVersion(StoredBar Bar, DateTimeOffset WrittenAt);

    private static Bar[] Bumped(Bar[] bars) => [.. bars.Select(b => b with { Close = b.Close + 0.25 })];

    private static StoredBar[] Stored(Bar[] bars) => [.. bars.Select(Stored)];

    private static StoredBar Stored(Bar bar) =>
        new(bar.TradeDate, bar.Timestamp, bar.Open, bar.High, bar.Low, bar.Close, bar.AdjClose, bar.Volume);

    private static string Where(DateOnly date) => $"symbol = '{Symbol}' AND interval = '1d' AND trade_date = '{date:yyyy-MM-dd}'";

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Waits until <paramref name="write"/>'s transaction waits for a lock <paramref name="holder"/> holds.</summary>
    private static async Task BlockedByAsync(WriterScope scope, NpgsqlConnection holder, Task write)
    {
        var blocked = $"SELECT count(*) FROM pg_stat_activity WHERE {holder.ProcessID} = ANY (pg_blocking_pids(pid))";
        while (await scope.CountAsync(blocked) == 0)
        {
            Assert.False(write.IsCompleted, "the batch finished without waiting for the lock");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task<RowVersion> RowAsync(WriterScope scope, DateOnly date)
    {
        await using var connection = await scope.OpenAsync();
        return await RowAsync(connection, null, date);
    }

    private static async Task<RowVersion> RowAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateOnly date)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns}, updated_at FROM daily_bars WHERE {Where(date)}", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return Read(reader);
    }

    private static async Task<List<RowVersion>> RevisionsAsync(WriterScope scope)
    {
        await using var connection = await scope.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns}, valid_from FROM bar_revisions WHERE symbol = '{Symbol}' ORDER BY trade_date, revised_at", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var list = new List<RowVersion>();
        while (await reader.ReadAsync(Ct))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static RowVersion Read(NpgsqlDataReader reader) => new(
        new StoredBar(
            reader.GetFieldValue<DateOnly>(0),
            new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
            reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5),
            reader.IsDBNull(6) ? null : reader.GetDouble(6),
            reader.IsDBNull(7) ? null : reader.GetInt64(7)),
        new DateTimeOffset(reader.GetDateTime(8), TimeSpan.Zero));
}
