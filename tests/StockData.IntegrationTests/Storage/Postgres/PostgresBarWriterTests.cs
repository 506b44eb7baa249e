using Npgsql;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>The COPY-merge writer against a real PostgreSQL: counts, change detection, keys, revisions, events.</summary>
public class PostgresBarWriterTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_NewBars_CountsInsertedAndStoresEveryColumn()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(10);
        bars[3] = bars[3] with { AdjClose = null, Volume = null };

        var result = await scope.Writer.WriteAsync(Batch(Fetch("AAA", bars), Fetch("BBB", Daily(5))), Ct);

        Assert.Equal((15, 0, 0, 0), (result.Inserted, result.Updated, result.Unchanged, result.Superseded));
        var stored = await scope.DailyBarsAsync("AAA");
        Assert.Equal(bars.Select(b => new StoredBar(b.TradeDate, b.Timestamp, b.Open, b.High, b.Low, b.Close, b.AdjClose, b.Volume)), stored);
        Assert.Equal(5, await scope.CountAsync("SELECT count(*) FROM daily_bars WHERE symbol = 'BBB'"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_SameBatchTwice_SecondIsAllUnchangedAndRewritesNoRow(bool fastPath)
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, FastPath(fastPath));
        var first = await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(20)), Fetch("BBB", Daily(20))), Ct);
        var before = await scope.TxidAsync();

        var second = await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(20)), Fetch("BBB", Daily(20))), Ct);

        Assert.Equal(fastPath, first.FastPath);
        Assert.Equal((40, 0, 0), (first.Inserted, first.Updated, first.Unchanged));
        Assert.Equal((0, 0, 40), (second.Inserted, second.Updated, second.Unchanged));
        Assert.False(second.FastPath);
        Assert.Equal(0, await scope.RowsWrittenSinceAsync("daily_bars", before));
        Assert.Equal(0, await scope.CountAsync("SELECT count(*) FROM bar_revisions"));
        Assert.Equal(40, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
    }

    [Fact]
    public async Task WriteAsync_NewChangedAndUnchangedTogether_CountsEach()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(10))), Ct);
        var next = Daily(15);
        next[2] = next[2] with { Close = 999 };
        next[7] = next[7] with { Volume = 1 };

        var result = await scope.Writer.WriteAsync(Batch(Fetch("AAA", next)), Ct);

        Assert.Equal((5, 2, 8, 0), (result.Inserted, result.Updated, result.Unchanged, result.Superseded));
        Assert.Equal(15, result.Rows);
        var stored = await scope.DailyBarsAsync("AAA");
        Assert.Equal(999, stored[2].Close);
        Assert.Equal(1, stored[7].Volume);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_DuplicateKeysInOneBatch_LastWinsWithoutError(bool fastPath)
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, FastPath(fastPath));
        var bars = Daily(5);
        var withDuplicate = bars.Append(bars[1] with { Close = 111 }).ToArray();
        var laterFetch = new[] { bars[4] with { Close = 444 } };

        var result = await scope.Writer.WriteAsync(Batch(Fetch("AAA", withDuplicate), Fetch("AAA", laterFetch)), Ct);

        Assert.Equal((5, 0, 0, 2), (result.Inserted, result.Updated, result.Unchanged, result.Superseded));
        var stored = await scope.DailyBarsAsync("AAA");
        Assert.Equal(5, stored.Count);
        Assert.Equal(111, stored[1].Close);
        Assert.Equal(444, stored[4].Close);
    }

    [Theory]
    [InlineData(null, 5.0, null, 7L)]
    [InlineData(5.0, null, 7L, null)]
    [InlineData(5.0, 6.0, 7L, 8L)]
    public async Task WriteAsync_NullAdjCloseOrVolumeOnEitherSide_IsAChange(double? storedAdj, double? newAdj, long? storedVol, long? newVol)
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bar = Daily(1)[0];
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", [bar with { AdjClose = storedAdj, Volume = storedVol }])), Ct);

        var adjOnly = await scope.Writer.WriteAsync(Batch(Fetch("AAA", [bar with { AdjClose = newAdj, Volume = storedVol }])), Ct);
        var volOnly = await scope.Writer.WriteAsync(Batch(Fetch("AAA", [bar with { AdjClose = newAdj, Volume = newVol }])), Ct);

        Assert.Equal(1, adjOnly.Updated);
        Assert.Equal(1, volOnly.Updated);
        var stored = Assert.Single(await scope.DailyBarsAsync("AAA"));
        Assert.Equal((newAdj, newVol), (stored.AdjClose, stored.Volume));
        Assert.Equal(2, await scope.CountAsync("SELECT count(*) FROM bar_revisions"));
    }

    [Fact]
    public async Task WriteAsync_NullsOnBothSides_AreUnchanged()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bar = Daily(1)[0] with { AdjClose = null, Volume = null };
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", [bar])), Ct);
        var before = await scope.TxidAsync();

        var again = await scope.Writer.WriteAsync(Batch(Fetch("AAA", [bar])), Ct);

        Assert.Equal((0, 0, 1), (again.Inserted, again.Updated, again.Unchanged));
        Assert.Equal(0, await scope.RowsWrittenSinceAsync("daily_bars", before));
    }

    [Fact]
    public async Task WriteAsync_LiveDailyBarThenSessionOpenBarOfTheSameDate_OneRowPerTradeDate()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var date = new DateOnly(2024, 6, 14);
        var history = Daily(3, date.AddDays(-3));
        var live = new Bar(new DateTimeOffset(2024, 6, 14, 19, 59, 12, TimeSpan.Zero), date, 10, 12, 9, 11.5, 11.5, 12_345);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", [.. history, live])), Ct);
        Assert.Equal(live.Timestamp, await scope.WatermarkAsync("AAA"));

        var sessionOpen = new Bar(SessionOpen(date), date, 10, 12.5, 9, 12, 11.9, 20_000);
        var result = await scope.Writer.WriteAsync(Batch(Fetch("AAA", [.. history, sessionOpen])), Ct);

        Assert.Equal((0, 1, 3), (result.Inserted, result.Updated, result.Unchanged));
        var stored = await scope.DailyBarsAsync("AAA");
        Assert.Equal(4, stored.Count);
        Assert.Equal(new StoredBar(date, sessionOpen.Timestamp, 10, 12.5, 9, 12, 11.9, 20_000), stored[^1]);
        Assert.Equal(sessionOpen.Timestamp, await scope.WatermarkAsync("AAA"));
        Assert.Equal(live.Timestamp.UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT ts FROM bar_revisions"));
    }

    [Fact]
    public async Task WriteAsync_ChangedBar_LeavesRevisionWithOldValuesAndValidity()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(3);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", bars)), Ct);
        var storedAt = await scope.ScalarAsync<DateTime>($"SELECT updated_at FROM daily_bars WHERE trade_date = '{bars[1].TradeDate:yyyy-MM-dd}'");

        var changed = bars.ToArray();
        changed[1] = changed[1] with { Close = 77, AdjClose = 76 };
        var result = await scope.Writer.WriteAsync(Batch(Fetch("AAA", changed)), Ct);

        Assert.Equal(1, result.Updated);
        await using var connection = await scope.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT symbol, interval, trade_date, ts, close, adj_close, volume, valid_from, revised_at FROM bar_revisions", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal("AAA", reader.GetString(0));
        Assert.Equal("1d", reader.GetString(1));
        Assert.Equal(bars[1].TradeDate, reader.GetFieldValue<DateOnly>(2));
        Assert.Equal(bars[1].Timestamp.UtcDateTime, reader.GetDateTime(3));
        Assert.Equal(bars[1].Close, reader.GetDouble(4));
        Assert.Equal(bars[1].AdjClose, reader.GetDouble(5));
        Assert.Equal(bars[1].Volume, reader.GetInt64(6));
        Assert.Equal(storedAt, reader.GetDateTime(7));
        Assert.True(reader.GetDateTime(8) > storedAt);
        Assert.False(await reader.ReadAsync(Ct));
        var current = await scope.ScalarAsync<DateTime>($"SELECT updated_at FROM daily_bars WHERE trade_date = '{bars[1].TradeDate:yyyy-MM-dd}'");
        Assert.Equal(current, await scope.ScalarAsync<DateTime>("SELECT revised_at FROM bar_revisions"));
    }

    [Fact]
    public async Task WriteAsync_KeepRevisionsOff_UpdatesWithoutRevision()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres,
            new Dictionary<string, string?> { ["StockData:Storage:KeepRevisions"] = "false" });
        var bars = Daily(3);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", bars)), Ct);

        var result = await scope.Writer.WriteAsync(Batch(Fetch("AAA", bars.Select(b => b with { Close = b.Close + 1 }).ToArray())), Ct);

        Assert.Equal(3, result.Updated);
        Assert.Equal(0, await scope.CountAsync("SELECT count(*) FROM bar_revisions"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAsync_IntradayAndDailyInOneBatch_EachKeyedByItsFamily(bool fastPath)
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres, FastPath(fastPath));
        var start = new DateTimeOffset(2024, 6, 14, 13, 30, 0, TimeSpan.Zero);
        var fiveMinute = Intraday(12, start);

        var first = await scope.Writer.WriteAsync(Batch(Fetch("AAA", fiveMinute, interval: "5m"), Fetch("AAA", Daily(2))), Ct);
        var changed = fiveMinute.ToArray();
        changed[11] = changed[11] with { Close = 1 };
        var second = await scope.Writer.WriteAsync(Batch(Fetch("AAA", changed, interval: "5m"), Fetch("AAA", Daily(2))), Ct);

        Assert.Equal((14, 0, 0), (first.Inserted, first.Updated, first.Unchanged));
        Assert.Equal((0, 1, 13), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(12, await scope.CountAsync("SELECT count(*) FROM intraday_bars WHERE interval = '5m'"));
        Assert.Equal(2, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Equal(fiveMinute[^1].Timestamp, await scope.WatermarkAsync("AAA", "5m"));
        Assert.Equal(1, await scope.CountAsync("SELECT count(*) FROM bar_revisions WHERE interval = '5m'"));
    }

    [Fact]
    public async Task WriteAsync_FetchSpanningBatches_WatermarkMovesOnlyWithTheLastChunk()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(25);
        var batches = WriteBatch.Pack([Fetch("AAA", bars, full: true), Fetch("BBB", Daily(3))], 10).ToList();
        Assert.Equal(3, batches.Count);

        var r1 = await scope.Writer.WriteAsync(batches[0], Ct);
        Assert.Null(await scope.WatermarkAsync("AAA"));
        Assert.Empty(r1.CompletedFetches);
        await scope.Writer.WriteAsync(batches[1], Ct);
        Assert.Null(await scope.WatermarkAsync("AAA"));
        var r3 = await scope.Writer.WriteAsync(batches[2], Ct);

        Assert.Equal(bars[^1].Timestamp, await scope.WatermarkAsync("AAA"));
        var done = Assert.Single(r3.CompletedFetches, f => f.Symbol == "AAA");
        Assert.True(done.WatermarkMoved);
        Assert.Equal(bars[^1].Timestamp, done.Watermark);
        Assert.Equal(25, await scope.CountAsync("SELECT count(*) FROM daily_bars WHERE symbol = 'AAA'"));
        Assert.NotNull(await scope.ScalarAsync<object?>("SELECT last_success_at FROM symbol_intervals WHERE symbol = 'AAA'"));
    }

    [Fact]
    public async Task WriteAsync_EventsAndMetadata_MergedLastWinsAndUnchangedNotRewritten()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var exDate = Start.AddDays(3);
        var meta = new SymbolMetadata("GBp", "EQUITY", "LSE", "Europe/London", new DateTimeOffset(1990, 1, 2, 8, 0, 0, TimeSpan.Zero), null, null);
        var events = new FetchEvents(meta,
            [new Dividend(SessionOpen(exDate), exDate, 0.5), new Dividend(SessionOpen(exDate), exDate, 0.55)],
            [new Split(SessionOpen(exDate.AddDays(1)), exDate.AddDays(1), 4, 1)],
            [new CapitalGain(SessionOpen(exDate), exDate, 1.25)]);

        var first = await scope.Writer.WriteAsync(Batch(Fetch("VOD.L", Daily(10), full: true, events: events)), Ct);
        var second = await scope.Writer.WriteAsync(Batch(Fetch("VOD.L", Daily(10), full: true, events: events)), Ct);

        Assert.Equal(3, first.EventsChanged);
        Assert.Equal(0, second.EventsChanged);
        Assert.Equal(0.55, await scope.ScalarAsync<double>("SELECT amount FROM dividends WHERE symbol = 'VOD.L'"));
        Assert.Equal(4.0, await scope.ScalarAsync<double>("SELECT numerator FROM splits WHERE symbol = 'VOD.L'"));
        Assert.Equal(1.25, await scope.ScalarAsync<double>("SELECT amount FROM capital_gains WHERE symbol = 'VOD.L'"));
        Assert.Equal("GBp", await scope.ScalarAsync<string>("SELECT currency FROM symbols WHERE symbol = 'VOD.L'"));
        Assert.Equal("Europe/London", await scope.ScalarAsync<string>("SELECT exchange_timezone FROM symbols WHERE symbol = 'VOD.L'"));

        // A later chunk without metadata keeps what is stored.
        await scope.Writer.WriteAsync(Batch(Fetch("VOD.L", Daily(1, Start.AddDays(10)))), Ct);
        Assert.Equal("GBp", await scope.ScalarAsync<string>("SELECT currency FROM symbols WHERE symbol = 'VOD.L'"));
    }

    [Fact]
    public async Task WriteAsync_SplitAfterTheWatermark_MarksFullRefetchUntilAFullHistoryFetchCompletes()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(10), full: true)), Ct);
        var watermark = await scope.WatermarkAsync("AAA");
        var splitDate = Start.AddDays(11);

        // An incremental fetch (overlap + 2 new bars) reveals a split newer than the stored history.
        var incremental = Fetch("AAA", Daily(5, Start.AddDays(8)),
            events: new FetchEvents(null, [], [new Split(SessionOpen(splitDate), splitDate, 4, 1)], []));
        var revealed = await scope.Writer.WriteAsync(Batch(incremental), Ct);

        Assert.True(Assert.Single(revealed.CompletedFetches).FullRefetchPending);
        Assert.True(await scope.RefetchPendingAsync("AAA"));
        Assert.Contains("split", await scope.ScalarAsync<string>("SELECT full_refetch_reason FROM symbol_intervals WHERE symbol = 'AAA'"),
            StringComparison.Ordinal);
        Assert.True(await scope.WatermarkAsync("AAA") > watermark);

        // Another incremental fetch does not clear it; a full-history fetch spanning two batches clears it only
        // with its last chunk.
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(2, Start.AddDays(12)))), Ct);
        Assert.True(await scope.RefetchPendingAsync("AAA"));
        var full = WriteBatch.Pack([Fetch("AAA", Daily(14).Select(b => b with { AdjClose = b.Close / 4 }).ToArray(), full: true)], 8).ToList();
        await scope.Writer.WriteAsync(full[0], Ct);
        Assert.True(await scope.RefetchPendingAsync("AAA"));
        var cleared = await scope.Writer.WriteAsync(full[1], Ct);

        Assert.False(Assert.Single(cleared.CompletedFetches).FullRefetchPending);
        Assert.False(await scope.RefetchPendingAsync("AAA"));
    }

    [Fact]
    public async Task WriteAsync_DividendNotAfterTheWatermark_DoesNotMarkFullRefetch()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(10), full: true)), Ct);
        var oldDate = Start.AddDays(4);

        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(3, Start.AddDays(7)),
            events: new FetchEvents(null, [new Dividend(SessionOpen(oldDate), oldDate, 0.2)], [], []))), Ct);

        Assert.False(await scope.RefetchPendingAsync("AAA"));
        Assert.Equal(1, await scope.CountAsync("SELECT count(*) FROM dividends"));
    }

    [Fact]
    public async Task WriteAsync_ResponseLackingStoredBars_DeletesNothing()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(10))), Ct);

        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(2, Start.AddDays(4)))), Ct);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", [])), Ct);

        Assert.Equal(10, await scope.CountAsync("SELECT count(*) FROM daily_bars"));
        Assert.Equal(Daily(10)[^1].Timestamp, await scope.WatermarkAsync("AAA"));
    }

    [Fact]
    public async Task WriteAsync_FreshSymbols_FastPathSeveralSymbolsInOneTransaction()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Writer.WriteAsync(Batch(Fetch("OLD", Daily(3))), Ct);

        var fresh = await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(30)), Fetch("BBB", Daily(30)), Fetch("CCC", Daily(30))), Ct);
        var mixed = await scope.Writer.WriteAsync(Batch(Fetch("DDD", Daily(30)), Fetch("OLD", Daily(4))), Ct);

        Assert.True(fresh.FastPath);
        Assert.Equal(90, fresh.Inserted);
        Assert.Equal(1, await scope.CountAsync("SELECT count(DISTINCT xmin::text) FROM daily_bars WHERE symbol IN ('AAA', 'BBB', 'CCC')"));
        Assert.False(mixed.FastPath);
        Assert.Equal((31, 0, 3), (mixed.Inserted, mixed.Updated, mixed.Unchanged));
    }

    [Fact]
    public async Task WriteAsync_HistoryDeletedBehindTheWriter_MergesEverythingBackIn()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(10))), Ct);
        await scope.ExecuteAsync("DELETE FROM daily_bars; UPDATE symbol_intervals SET watermark = NULL");

        var again = await scope.Writer.WriteAsync(Batch(Fetch("AAA", Daily(10))), Ct);

        Assert.False(again.FastPath);
        Assert.Equal((10, 0, 0), (again.Inserted, again.Updated, again.Unchanged));
        Assert.Equal(Daily(10)[^1].Timestamp, await scope.WatermarkAsync("AAA"));
    }

    private static Dictionary<string, string?> FastPath(bool on) => new() { ["StockData:Writer:FastPath"] = on ? "true" : "false" };
}
