using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Storage;
using StockData.Storage.Postgres;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// <c>stockdata-bench writer</c>: the six figures of the writer's targets in one run, side by side, each over several rounds, against the database the
/// process is configured for. The caller configures the process with a scratch schema of its own
/// (<see cref="Cli.BenchCommand"/>), which every statement here and in the writer names (<see cref="SchemaSql"/>).
/// </summary>
internal sealed class WriterBenchmark(
    NpgsqlDataSource dataSource,
    SchemaSql schemaSql,
    IBarWriter writer,
    FetchIdSequence fetchIds,
    SchemaMigrator migrator,
    IOptions<StorageOptions> storageOptions,
    IOptions<BarWriterOptions> writerOptions,
    TimeProvider timeProvider)
{
    private readonly BenchStatements _statements = new(dataSource, schemaSql, timeProvider);

    private const int RefreshBars = 5;

    public async Task<WriterBenchmarkResult> RunAsync(int symbols, int barsPerSymbol, int rounds, int writeConcurrency, Action<string> progress,
        CancellationToken ct)
    {
        var batchSize = writerOptions.Value.BatchSize;
        await migrator.MigrateAsync(ct);
        var server = await BenchServer.ReadAsync(dataSource, storageOptions.Value.PostgresConnectionString, ct);
        progress($"server: {server}");

        progress($"generating {symbols:N0} × {barsPerSymbol:N0} bars");
        var history = Enumerable.Range(0, symbols).Select(i => SyntheticBars.History(i, barsPerSymbol)).ToArray();
        var refresh = Enumerable.Range(0, symbols).Select(i => SyntheticBars.Continue(history[i], RefreshBars, i)).ToArray();
        var changedHistory = history.Select(bars => bars.Select(b => b with { Close = Math.Round(b.Close * 1.01, 4) + 0.0001 }).ToArray()).ToArray();
        var rows = symbols * barsPerSymbol;
        var oldWayConnection = new NpgsqlConnectionStringBuilder(storageOptions.Value.PostgresConnectionString)
        {
            ApplicationName = storageOptions.Value.ApplicationName + "-oldway",
        }.ConnectionString;

        await WarmUpAsync(ct);

        // Every figure is measured once per round, and every timed pass is preceded by a raw-COPY sample (1) and a
        // CHECKPOINT: this machine's speed drifts by tens of percent within minutes (docs/postgres-upsert.md B0), so a
        // pass is divided by the limit measured right before it, never by one taken minutes away, and each figure is
        // reported as the spread of its rounds. A checkpoint before each pass starts every one with clean buffers and a
        // fresh checkpoint cycle; without it a pass pays for the dirty pages of the one before (full-page images, the
        // checkpointer's writes), and on a durable server that decided the raw-COPY reference by 1.4×.
        var s = new WriterBenchmarkSamples(rows, symbols * RefreshBars);
        for (var round = 1; round <= rounds; round++)
        {
            // Symbol names of the round's own: the writer remembers which (symbol, interval) pairs have stored history
            // (its fast-path check) and a TRUNCATE does not tell it, so names reused after the reset would take the
            // merge path in every round after the first.
            var names = Enumerable.Range(0, symbols).Select(i => $"R{round}{SyntheticBars.Symbol(i)}").ToArray();
            progress($"round {round}/{rounds}");
            await ResetAsync(ct);
            s.PackedRawCopy.Add(await RawCopyAsync(names, history, packed: true, ct));
            progress(Line("(1p) raw COPY, packed table", rows, s.PackedRawCopy[^1]));

            // (6) The old way, on the same empty table the writer's fresh pass gets.
            var raw = await RawSampleAsync(names);
            await _statements.CheckpointAsync(ct);
            s.OldWay.Add(await _statements.TimeAsync(() => WriterBenchmarkOldWay.WriteAsync(oldWayConnection, schemaSql, names.Zip(history), ct)), raw);
            progress(Line("(6) old way", rows, s.OldWay.Times[^1]));
            await ResetAsync(ct);

            // (2) Fresh history through the writer: 5,000-row batches, writeConcurrency at once (the pipeline's default).
            raw = await RawSampleAsync(names);
            await _statements.CheckpointAsync(ct);
            WriteResult[] fresh = [];
            s.Fresh.Add(await _statements.TimeAsync(async () =>
                fresh = await BenchWrites.WriteAllAsync(writer, WriteBatch.Pack(Fetches(names, history, full: true), batchSize), writeConcurrency, ct)), raw);
            s.FastPathBatches += fresh.Count(r => r.FastPath);
            s.Batches += fresh.Length;
            progress(Line("(2) fresh", rows, s.Fresh.Times[^1]));

            // (3) The same rows again: every row is read and compared, nothing may be rewritten. Counted by xmin against
            // a transaction id read before the pass, cross-checked with pg_stat_user_tables once every writer backend
            // has flushed its counters.
            raw = await RawSampleAsync(names);
            await PrepareTableAsync(ct);
            var statBefore = await StableTupleStatsAsync(ct);
            var txidBefore = await _statements.ScalarAsync<long>("SELECT txid_current()", ct);
            s.Unchanged.Add(await _statements.TimeAsync(() => WriteAllAsync(Fetches(names, history, full: true), batchSize, writeConcurrency, ct)), raw);
            s.UnchangedTuplesWritten = Math.Max(s.UnchangedTuplesWritten, await RowsWrittenSinceAsync(txidBefore, ct));
            s.UnchangedStatTuplesWritten = Math.Max(s.UnchangedStatTuplesWritten, await StableTupleStatsAsync(ct) - statBefore);
            progress(Line("(3) unchanged, rows checked", rows, s.Unchanged.Times[^1]) + $", {s.UnchangedTuplesWritten} tuples written");

            // (4) Every close changed (revisions on): every row is updated and leaves its old values.
            raw = await RawSampleAsync(names);
            await PrepareTableAsync(ct);
            s.Changed.Add(await _statements.TimeAsync(() => WriteAllAsync(Fetches(names, changedHistory, full: true), batchSize, writeConcurrency, ct)), raw);
            s.ChangedRevisions = await _statements.ScalarAsync<long>("SELECT count(*) FROM sd_schema.bar_revisions", ct);
            progress(Line("(4) changed", rows, s.Changed.Times[^1]));

            // (5) The daemon's daily case: every symbol gets 5 new bars, all of them in one pass (one batch when they
            // fit); then the same rows the old way, onto the same table state (the writer's new rows removed again).
            await PrepareTableAsync(ct);
            var refreshTime = await _statements.TimeAsync(() => WriteAllAsync(Fetches(names, refresh, full: false), batchSize, writeConcurrency, ct));
            await using (var delete = dataSource.CreateCommand(schemaSql.Qualify("DELETE FROM sd_schema.daily_bars WHERE trade_date > $1")))
            {
                delete.Parameters.Add(new NpgsqlParameter { Value = history[0][^1].TradeDate });
                await delete.ExecuteNonQueryAsync(ct);
            }

            await PrepareTableAsync(ct);
            var oldWayRefresh = await _statements.TimeAsync(() => WriterBenchmarkOldWay.WriteAsync(oldWayConnection, schemaSql, names.Zip(refresh), ct));
            s.Refresh.Add(refreshTime);
            s.OldWayRefresh.Add(oldWayRefresh);
            progress(Line("(5) refresh", s.RefreshRows, refreshTime) + "; " + Line("old way", s.RefreshRows, oldWayRefresh));
        }

        return new WriterBenchmarkResult(symbols, barsPerSymbol, batchSize, writeConcurrency, storageOptions.Value.KeepRevisions, server, s);

        async Task<TimeSpan> RawSampleAsync(string[] names)
        {
            var sample = await RawCopyAsync(names, history, packed: false, ct);
            s.RawCopy.Add(sample);
            progress(Line("(1) raw COPY", rows, sample));
            return sample;
        }
    }

    /// <summary>
    /// One raw-COPY sample: a fresh empty copy of daily_bars (primary key and storage parameters, or packed), all rows in
    /// one COPY.
    /// </summary>
    private async Task<TimeSpan> RawCopyAsync(string[] names, Bar[][] history, bool packed, CancellationToken ct)
    {
        await _statements.ExecuteAsync(packed ? RawCopyTable.CreatePacked : RawCopyTable.Create, ct);
        await _statements.CheckpointAsync(ct);
        var elapsed = await _statements.TimeAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await BarCopy.CopyAsync(connection, schemaSql.Qualify(RawCopyTable.Name),
                [.. names.Select((s, i) => new BarGroup(s, "1d", history[i]))], storageOptions.Value.CommandTimeout, ct);
        });
        await _statements.ExecuteAsync(RawCopyTable.Drop, ct);
        return elapsed;
    }

    private IEnumerable<FetchChunk> Fetches(string[] names, Bar[][] bars, bool full) =>
        names.Select((symbol, i) => new FetchChunk(fetchIds.Next(), symbol, BarInterval.Daily, full, 0, bars[i], true));

    private Task WriteAllAsync(IEnumerable<FetchChunk> fetches, int batchSize, int concurrency, CancellationToken ct) =>
        BenchWrites.WriteAllAsync(writer, WriteBatch.Pack(fetches, batchSize), concurrency, ct);

    /// <summary>JIT and first-connection costs out of the timed passes: a tiny COPY and a tiny write, then reset.</summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        var bars = SyntheticBars.History(-1, 20);
        await writer.WriteAsync(new WriteBatch([new FetchChunk(fetchIds.Next(), "WARMUP", BarInterval.Daily, true, 0, bars, true)]), ct);
        await writer.WriteAsync(new WriteBatch([new FetchChunk(fetchIds.Next(), "WARMUP", BarInterval.Daily, true, 0, bars, true)]), ct);
        await ResetAsync(ct);
    }

    private async Task ResetAsync(CancellationToken ct)
    {
        await _statements.ExecuteAsync("TRUNCATE sd_schema.daily_bars, sd_schema.bar_revision_sets, sd_schema.dividends, sd_schema.splits, sd_schema.capital_gains, sd_schema.symbol_intervals, sd_schema.symbols", ct);
        await _statements.CheckpointAsync(ct);
    }

    /// <summary>Before a timed pass over a loaded table: dead tuples vacuumed, statistics current, dirty pages flushed.</summary>
    private async Task PrepareTableAsync(CancellationToken ct)
    {
        await _statements.ExecuteAsync("VACUUM ANALYZE sd_schema.daily_bars", ct);
        await _statements.ExecuteAsync("VACUUM ANALYZE sd_schema.symbol_intervals", ct);
        await _statements.CheckpointAsync(ct);
    }

    private async Task<long> RowsWrittenSinceAsync(long txid, CancellationToken ct)
    {
        // xmin is the 32-bit transaction id; compare modulo 2^32 (a row written at or after txid is less than 2^31 ahead).
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT count(*) FROM sd_schema.daily_bars WHERE ((xmin::text::bigint - $1 + 4294967296) % 4294967296) < 2147483648"));
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
            var now = await _statements.ScalarAsync<long>(
                "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relid = 'sd_schema.daily_bars'::regclass", ct);
            same = now == last ? same + 1 : 0;
            last = now;
            dataSource.Clear();
        }

        return last;
    }

    private static string Line(string name, int rows, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: {rows:N0} rows in {elapsed.TotalSeconds:0.000} s = {rows / elapsed.TotalSeconds:N0} rows/s");
}
