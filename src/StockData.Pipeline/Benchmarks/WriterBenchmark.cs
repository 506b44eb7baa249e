using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Storage;
using StockData.Storage.Postgres;

namespace StockData.Pipeline.Benchmarks;

/// <summary>
/// <c>stockdata bench writer</c>: the writer's six figures (docs/performance.md, Writer) in one run, side by side, against the database the
/// process is configured for. The caller configures the process's one data source with a scratch schema of its own
/// (<see cref="Cli.BenchCommand"/>), so every statement here and in the writer is unqualified and lands there.
/// </summary>
internal sealed class WriterBenchmark(
    NpgsqlDataSource dataSource,
    IBarWriter writer,
    SchemaMigrator migrator,
    IOptions<StorageOptions> storageOptions,
    IOptions<BarWriterOptions> writerOptions,
    TimeProvider timeProvider)
{
    private const int RefreshBars = 5;

    public async Task<WriterBenchmarkResult> RunAsync(int symbols, int barsPerSymbol, Action<string> progress, CancellationToken ct)
    {
        var batchSize = writerOptions.Value.BatchSize;
        await migrator.MigrateAsync(ct);
        var server = await ServerAsync(ct);

        progress($"generating {symbols:N0} × {barsPerSymbol:N0} bars");
        var names = Enumerable.Range(0, symbols).Select(SyntheticBars.Symbol).ToArray();
        var history = Enumerable.Range(0, symbols).Select(i => SyntheticBars.History(i, barsPerSymbol)).ToArray();
        var refresh = Enumerable.Range(0, symbols).Select(i => SyntheticBars.Continue(history[i], RefreshBars, i)).ToArray();
        var rows = symbols * barsPerSymbol;

        await WarmUpAsync(ct);

        // (1) The limit: one binary COPY of every row into an empty table shaped like daily_bars, with its primary key.
        // Measured five times, interleaved with the other figures, and the median taken: this machine's speed drifts
        // by tens of percent within minutes (docs/postgres-upsert.md B0), and every ratio is to this figure.
        var rawSamples = new List<TimeSpan> { await RawCopyAsync(names, history, packed: false, ct) };
        progress(Line("(1) raw COPY", rows, rawSamples[^1]));
        var packedSamples = new List<TimeSpan> { await RawCopyAsync(names, history, packed: true, ct) };
        progress(Line("(1) raw COPY, packed table", rows, packedSamples[^1]));

        // (6) The old way, on the same empty table the writer's fresh pass gets.
        await CheckpointAsync(ct);
        var oldWayConnection = new NpgsqlConnectionStringBuilder(storageOptions.Value.PostgresConnectionString)
        {
            SearchPath = storageOptions.Value.Schema,
            ApplicationName = storageOptions.Value.ApplicationName + "-oldway",
        }.ConnectionString;
        var oldWay = await TimeAsync(() => WriterBenchmarkOldWay.WriteAsync(oldWayConnection, names.Zip(history), ct));
        progress(Line("(6) old way", rows, oldWay));
        await ResetAsync(ct);
        rawSamples.Add(await RawCopyAsync(names, history, packed: false, ct));

        // (2) Fresh history through the writer: 5,000-row batches, one writer connection.
        var fastPathBatches = 0;
        var batches = 0;
        var fresh = await TimeAsync(async () =>
        {
            foreach (var batch in WriteBatch.Pack(Fetches(names, history, full: true), batchSize))
            {
                var result = await writer.WriteAsync(batch, ct);
                batches++;
                fastPathBatches += result.FastPath ? 1 : 0;
            }
        });
        progress(Line("(2) fresh", rows, fresh));
        rawSamples.Add(await RawCopyAsync(names, history, packed: false, ct));
        packedSamples.Add(await RawCopyAsync(names, history, packed: true, ct));

        // (3) The same rows again: nothing may be rewritten. Counted by xmin against a transaction id read before the
        // pass, cross-checked with pg_stat_user_tables once every writer backend has flushed its counters.
        await PrepareTableAsync(ct);
        var statBefore = await StableTupleStatsAsync(ct);
        var txidBefore = await ScalarAsync<long>("SELECT txid_current()", ct);
        var unchanged = await TimeAsync(() => WriteAllAsync(Fetches(names, history, full: true), batchSize, ct));
        var tuplesWritten = await RowsWrittenSinceAsync(txidBefore, ct);
        var statTuplesWritten = await StableTupleStatsAsync(ct) - statBefore;
        progress(Line("(3) unchanged", rows, unchanged) + $", {tuplesWritten} tuples written");
        rawSamples.Add(await RawCopyAsync(names, history, packed: false, ct));

        // (4) Every close changed (revisions on): every row is updated and leaves its old values.
        await PrepareTableAsync(ct);
        var changedHistory = history.Select(bars => bars.Select(b => b with { Close = Math.Round(b.Close * 1.01, 4) + 0.0001 }).ToArray()).ToArray();
        var changed = await TimeAsync(() => WriteAllAsync(Fetches(names, changedHistory, full: true), batchSize, ct));
        var revisions = await ScalarAsync<long>("SELECT count(*) FROM bar_revisions", ct);
        progress(Line("(4) changed", rows, changed));
        rawSamples.Add(await RawCopyAsync(names, history, packed: false, ct));
        packedSamples.Add(await RawCopyAsync(names, history, packed: true, ct));

        // (5) The daemon's daily case: every symbol gets 5 new bars, all of them in one pass (one batch when they fit).
        await PrepareTableAsync(ct);
        var refreshRows = symbols * RefreshBars;
        var refreshTime = await TimeAsync(() => WriteAllAsync(Fetches(names, refresh, full: false), batchSize, ct));
        progress(Line("(5) refresh", refreshRows, refreshTime));

        // The same rows the old way, onto the same table state (the writer's new rows removed again).
        await using (var delete = dataSource.CreateCommand("DELETE FROM daily_bars WHERE trade_date > $1"))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = history[0][^1].TradeDate });
            await delete.ExecuteNonQueryAsync(ct);
        }

        await PrepareTableAsync(ct);
        var oldWayRefresh = await TimeAsync(() => WriterBenchmarkOldWay.WriteAsync(oldWayConnection, names.Zip(refresh), ct));
        progress(Line("(5) refresh, old way", refreshRows, oldWayRefresh));

        rawSamples.Sort();
        progress("(1) raw COPY samples: " + string.Join(", ", rawSamples.Select(t => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture))) + " s");
        return new WriterBenchmarkResult(symbols, barsPerSymbol, batchSize, storageOptions.Value.KeepRevisions, server, rawSamples, packedSamples, fresh, fastPathBatches, batches, unchanged,
            tuplesWritten, statTuplesWritten, changed, revisions, oldWay, refreshRows, refreshTime, oldWayRefresh);
    }

    /// <summary>
    /// One raw-COPY sample: a fresh empty copy of daily_bars (primary key and storage parameters, or packed), all rows in
    /// one COPY.
    /// </summary>
    private async Task<TimeSpan> RawCopyAsync(string[] names, Bar[][] history, bool packed, CancellationToken ct)
    {
        await ExecuteAsync(packed ? RawCopyTable.CreatePacked : RawCopyTable.Create, ct);
        await CheckpointAsync(ct);
        var elapsed = await TimeAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await BarCopy.CopyAsync(connection, RawCopyTable.Name,
                [.. names.Select((s, i) => new BarGroup(s, "1d", history[i]))], storageOptions.Value.CommandTimeout, ct);
        });
        await ExecuteAsync(RawCopyTable.Drop, ct);
        return elapsed;
    }

    private static IEnumerable<FetchChunk> Fetches(string[] names, Bar[][] bars, bool full) =>
        names.Select((symbol, i) => new FetchChunk(FetchChunk.NewFetchId(), symbol, BarInterval.Daily, full, 0, bars[i], true));

    private async Task WriteAllAsync(IEnumerable<FetchChunk> fetches, int batchSize, CancellationToken ct)
    {
        foreach (var batch in WriteBatch.Pack(fetches, batchSize))
        {
            await writer.WriteAsync(batch, ct);
        }
    }

    /// <summary>JIT and first-connection costs out of the timed passes: a tiny COPY and a tiny write, then reset.</summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        var bars = SyntheticBars.History(-1, 20);
        await writer.WriteAsync(new WriteBatch([new FetchChunk(FetchChunk.NewFetchId(), "WARMUP", BarInterval.Daily, true, 0, bars, true)]), ct);
        await writer.WriteAsync(new WriteBatch([new FetchChunk(FetchChunk.NewFetchId(), "WARMUP", BarInterval.Daily, true, 0, bars, true)]), ct);
        await ResetAsync(ct);
    }

    private async Task ResetAsync(CancellationToken ct)
    {
        await ExecuteAsync("TRUNCATE daily_bars, bar_revision_sets, dividends, splits, capital_gains, symbol_intervals, symbols", ct);
        await CheckpointAsync(ct);
    }

    /// <summary>Before a timed pass over a loaded table: dead tuples vacuumed, statistics current, dirty pages flushed.</summary>
    private async Task PrepareTableAsync(CancellationToken ct)
    {
        await ExecuteAsync("VACUUM ANALYZE daily_bars", ct);
        await ExecuteAsync("VACUUM ANALYZE symbol_intervals", ct);
        await CheckpointAsync(ct);
    }

    private async Task<long> RowsWrittenSinceAsync(long txid, CancellationToken ct)
    {
        // xmin is the 32-bit transaction id; compare modulo 2^32 (a row written at or after txid is less than 2^31 ahead).
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM daily_bars WHERE ((xmin::text::bigint - $1 + 4294967296) % 4294967296) < 2147483648");
        command.Parameters.Add(new NpgsqlParameter { Value = txid % 4294967296L });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Inserted + updated + deleted tuples of daily_bars per pg_stat_user_tables. Backends report their counters
    /// asynchronously (at the latest when they exit), so the pool is cleared first and the figure read until it settles.
    /// </summary>
    private async Task<long> StableTupleStatsAsync(CancellationToken ct)
    {
        dataSource.Clear();
        var last = -1L;
        var same = 0;
        for (var i = 0; i < 100 && same < 3; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, ct);
            var now = await ScalarAsync<long>(
                "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relid = 'daily_bars'::regclass", ct);
            same = now == last ? same + 1 : 0;
            last = now;
            dataSource.Clear();
        }

        return last;
    }

    private async Task<string> ServerAsync(CancellationToken ct)
    {
        var version = await ScalarAsync<string>("SHOW server_version", ct);
        var fsync = await ScalarAsync<string>("SHOW fsync", ct);
        var syncCommit = await ScalarAsync<string>("SHOW synchronous_commit", ct);
        var fullPageWrites = await ScalarAsync<string>("SHOW full_page_writes", ct);
        var builder = new NpgsqlConnectionStringBuilder(storageOptions.Value.PostgresConnectionString);
        return $"PostgreSQL {version} at {builder.Host}:{builder.Port}, fsync={fsync}, synchronous_commit={syncCommit}, " +
               $"full_page_writes={fullPageWrites}; scratch schema {storageOptions.Value.Schema}";
    }

    private async Task CheckpointAsync(CancellationToken ct)
    {
        try
        {
            await ExecuteAsync("CHECKPOINT", ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // CHECKPOINT needs superuser or pg_checkpoint: without it the passes just start with dirtier buffers.
        }
    }

    private async Task<TimeSpan> TimeAsync(Func<Task> pass)
    {
        var start = timeProvider.GetTimestamp();
        await pass();
        return timeProvider.GetElapsedTime(start);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Constant statements of this file.
        await using var command = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Constant statements of this file.
        await using var command = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string Line(string name, int rows, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: {rows:N0} rows in {elapsed.TotalSeconds:0.000} s = {rows / elapsed.TotalSeconds:N0} rows/s");
}
