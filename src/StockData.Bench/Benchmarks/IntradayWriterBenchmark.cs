using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Storage;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Partitions;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// <c>stockdata-bench writer-intraday</c>: the writer's fresh, unchanged and changed passes on 1m bars, first on the
/// unpartitioned intraday_bars (the schema as migrations 0001–0010 left it, packed pages), then, in the same process and
/// on the same rows, after migration 0011 partitioned it and 0012 gave its leaves room on their pages (the migrations of
/// the last round's rows are timed too). The table's size and the share of the changed pass's updates made in place
/// (HOT) are printed per layout. Each pass is divided by a raw-copy sample into an empty unpartitioned copy of
/// intraday_bars taken right before it, with the storage parameters of the leaves the writer fills (packed in the
/// first layout, fillfactor 50 in the second, as bench writer's reference has daily_bars'), so each ratio compares the
/// writer with COPY onto the same pages and not with the machine's drift; the fresh pass is also divided by a packed
/// reference, printed beside.
/// </summary>
internal sealed class IntradayWriterBenchmark(
    NpgsqlDataSource dataSource,
    SchemaSql schemaSql,
    IBarWriter writer,
    FetchIdSequence fetchIds,
    SchemaMigrator migrator,
    IntradayPartitions partitions,
    IOptions<StorageOptions> storageOptions,
    IOptions<BarWriterOptions> writerOptions,
    TimeProvider timeProvider)
{
    private readonly BenchStatements _statements = new(dataSource, schemaSql, timeProvider);

    private const string RawTable = "sd_schema.bench_raw_intraday";

    private const string CreateRaw = """
        DROP TABLE IF EXISTS sd_schema.bench_raw_intraday;
        CREATE TABLE sd_schema.bench_raw_intraday (LIKE sd_schema.intraday_bars INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
        ALTER TABLE sd_schema.bench_raw_intraday ADD PRIMARY KEY (symbol, interval, ts);
        """;

    // The storage parameters of the pages the writer fills, as bench writer's reference copies daily_bars' (RawCopyTable):
    // a leaf's (the months get fillfactor 50 from migration 0012; the unpartitioned table is its own only leaf, packed).
    // A packed reference beside fillfactor-50 leaves would time writing 1.75× fewer pages than the writer must.
    private const string CopyLeafOptions = """
        DO $$
        DECLARE options text := (
            SELECT array_to_string(c.reloptions, ', ') FROM pg_partition_tree('sd_schema.intraday_bars') t JOIN pg_class c ON c.oid = t.relid
            WHERE t.isleaf AND c.reloptions IS NOT NULL ORDER BY c.relname LIMIT 1);
        BEGIN
            IF options IS NOT NULL THEN
                EXECUTE format('ALTER TABLE sd_schema.bench_raw_intraday SET (%s)', options);
            END IF;
        END $$;
        """;

    // The tables that hold intraday_bars' rows: its leaf partitions, or the table itself before migration 0011
    // (pg_partition_tree returns nothing for a plain table).
    private const string Leaves = """
        WITH leaves AS (SELECT relid FROM pg_partition_tree('sd_schema.intraday_bars') WHERE isleaf
                        UNION SELECT oid FROM pg_class WHERE oid = 'sd_schema.intraday_bars'::regclass AND relkind = 'r')
        """;

    // Heap, indexes and TOAST of every leaf.
    private const string Size = Leaves + "\n" + """
        SELECT COALESCE(sum(pg_total_relation_size(relid)), 0)::bigint FROM leaves
        """;

    // Updates and HOT updates of the leaves so far, as one text value "updates/hot".
    private const string Updates = Leaves + "\n" + """
        SELECT COALESCE(sum(t.n_tup_upd), 0)::text || '/' || COALESCE(sum(t.n_tup_hot_upd), 0)::text
        FROM leaves l JOIN pg_stat_user_tables t ON t.relid = l.relid
        """;

    private const string Reset = """
        TRUNCATE sd_schema.intraday_bars, sd_schema.bar_revision_sets, sd_schema.symbol_intervals, sd_schema.symbols
        """;

    public async Task<IntradayWriterBenchmarkResult> RunAsync(int symbols, int days, int rounds, int writeConcurrency, Action<string> progress,
        CancellationToken ct)
    {
        var batchSize = writerOptions.Value.BatchSize;
        await CreateUnpartitionedSchemaAsync(ct);
        var server = await BenchServer.ReadAsync(dataSource, storageOptions.Value.PostgresConnectionString, ct);
        progress($"server: {server}");
        // Business days from mid-November: the rows span two months, so the partitioned layout writes into two partitions.
        var history = Enumerable.Range(0, symbols).Select(i => MinuteBars(i, days)).ToArray();
        var changed = history.Select(bars => bars.Select(b => b with { Close = Math.Round(b.Close * 1.01, 4) + 0.0001 }).ToArray()).ToArray();
        var rows = history.Sum(h => h.Length);
        progress($"{symbols:N0} symbols × {history[0].Length:N0} 1m bars = {rows:N0} rows");

        var unpartitioned = await PassesAsync("unpartitioned", 0);
        var months = history.SelectMany(h => new[] { h[0].Timestamp, h[^1].Timestamp }).Distinct().ToList();
        var migrationStart = timeProvider.GetTimestamp();
        await migrator.MigrateAsync(ct);
        var migration = timeProvider.GetElapsedTime(migrationStart);
        progress(string.Create(CultureInfo.InvariantCulture, $"migration 0011 of {rows:N0} rows: {migration.TotalSeconds:0.00} s"));
        foreach (var month in months)
        {
            await partitions.EnsureAsync(month, 0, 0, new Dictionary<string, TimeSpan>(), ct);
        }

        var partitioned = await PassesAsync("partitioned", rounds);
        return new IntradayWriterBenchmarkResult(symbols, rows, batchSize, writeConcurrency, server, unpartitioned, partitioned, migration);

        async Task<IntradayLayoutSamples> PassesAsync(string layout, int roundOffset)
        {
            var s = new IntradayLayoutSamples(layout);
            for (var round = 1; round <= rounds; round++)
            {
                var names = Enumerable.Range(0, symbols).Select(i => $"I{round + roundOffset}{SyntheticBars.Symbol(i)}").ToArray();
                await _statements.ExecuteAsync(Reset, ct);
                var packed = await RawCopyAsync(names, history, ct, packed: true);
                var raw = await RawCopyAsync(names, history, ct);
                await _statements.CheckpointAsync(ct);
                var fresh = await _statements.TimeAsync(() => WriteAllAsync(names, history, batchSize, writeConcurrency, ct));
                s.Fresh.Add(fresh, raw);
                s.FreshPacked.Add(fresh, packed);
                s.FreshBytes = await _statements.ScalarAsync<long>(Size, ct);
                progress(Line($"{layout} round {round}: fresh", rows, fresh, raw) +
                         string.Create(CultureInfo.InvariantCulture, $", × packed raw copy {packed.TotalSeconds / fresh.TotalSeconds:0.00}"));

                raw = await RawCopyAsync(names, history, ct);
                await PrepareAsync(ct);
                var txid = await _statements.ScalarAsync<long>("SELECT txid_current()", ct);
                s.Unchanged.Add(await _statements.TimeAsync(() => WriteAllAsync(names, history, batchSize, writeConcurrency, ct)), raw);
                s.UnchangedTuplesWritten = Math.Max(s.UnchangedTuplesWritten, await RowsWrittenSinceAsync(txid, ct));
                progress(Line($"{layout} round {round}: unchanged", rows, s.Unchanged.Times[^1], raw));

                raw = await RawCopyAsync(names, history, ct);
                await PrepareAsync(ct);
                var updatesBefore = await UpdatesAsync(0, ct);
                s.Changed.Add(await _statements.TimeAsync(() => WriteAllAsync(names, changed, batchSize, writeConcurrency, ct)), raw);
                s.ChangedRevisions = await _statements.ScalarAsync<long>("SELECT count(*) FROM sd_schema.bar_revisions", ct);
                var updatesAfter = await UpdatesAsync(updatesBefore.Updates + s.ChangedRevisions, ct);
                s.ChangedHotShare = (double)(updatesAfter.Hot - updatesBefore.Hot) / Math.Max(1, updatesAfter.Updates - updatesBefore.Updates);
                s.ChangedBytes = await _statements.ScalarAsync<long>(Size, ct);
                progress(Line($"{layout} round {round}: changed", rows, s.Changed.Times[^1], raw));
            }

            return s;
        }
    }

    /// <summary>The schema as it stood before migration 0011, recorded in schema_migrations as the migrator would (and 0013's function).</summary>
    private async Task CreateUnpartitionedSchemaAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
#pragma warning disable CA2100 // The scratch schema's validated, quoted name and the embedded migrations' own text.
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schemaSql.Quoted}", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var path = new NpgsqlCommand("SELECT set_config('search_path', $1, true)", connection, transaction))
        {
            path.Parameters.Add(new NpgsqlParameter { Value = schemaSql.Quoted });
            await path.ExecuteNonQueryAsync(ct);
        }

        await using (var table = new NpgsqlCommand(schemaSql.Qualify("""
            CREATE TABLE sd_schema.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                                                      applied_at timestamptz NOT NULL DEFAULT now())
            """), connection, transaction))
        {
            await table.ExecuteNonQueryAsync(ct);
        }

        foreach (var migration in SchemaMigrator.All.Where(m => m.Version <= 10))
        {
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(ct);
            }

            await using var record = new NpgsqlCommand(
                schemaSql.Qualify("INSERT INTO sd_schema.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"), connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
            await record.ExecuteNonQueryAsync(ct);
        }

        // The writer relies on migration 0013's counting function (it turns the insert trigger off for its own COPYs);
        // without it two overlapping fresh batches wait on each other's bar_counts rows. Applied, not recorded: the
        // migrator applies it again after 0011 and 0012 (CREATE OR REPLACE).
        await using (var counts = new NpgsqlCommand(SchemaMigrator.All.Single(m => m.Version == 13).Sql, connection, transaction))
        {
            await counts.ExecuteNonQueryAsync(ct);
        }
#pragma warning restore CA2100

        await transaction.CommitAsync(ct);
    }

    /// <summary>390 one-minute bars per business day (14:30–20:59 UTC) from 2024-11-18, a random walk per symbol.</summary>
    private static Bar[] MinuteBars(int seed, int days)
    {
        var daily = SyntheticBars.History(seed, days, new DateOnly(2024, 11, 18));
        var bars = new List<Bar>(days * 390);
        foreach (var day in daily)
        {
            var open = day.Timestamp;
            for (var m = 0; m < 390; m++)
            {
                var drift = 1 + (((m * 7919 + seed) % 201) - 100) * 0.00001;
                var close = Math.Round(day.Open * drift, 4);
                bars.Add(new Bar(open.AddMinutes(m), day.TradeDate, close, Math.Round(close * 1.001, 4), Math.Round(close * 0.999, 4), close,
                    null, 1000 + ((m * 31 + seed) % 5000)));
            }
        }

        return [.. bars];
    }

    private async Task WriteAllAsync(string[] names, Bar[][] bars, int batchSize, int concurrency, CancellationToken ct)
    {
        var interval = BarInterval.Parse("1m");
        var fetches = names.Select((symbol, i) => new FetchChunk(fetchIds.Next(), symbol, interval, true, 0, bars[i], true));
        await BenchWrites.WriteAllAsync(writer, WriteBatch.Pack(fetches, batchSize), concurrency, ct);
    }

    /// <param name="packed">Fillfactor 100 whatever the leaves have (printed beside the fresh pass for comparison).</param>
    private async Task<TimeSpan> RawCopyAsync(string[] names, Bar[][] history, CancellationToken ct, bool packed = false)
    {
        await _statements.ExecuteAsync(packed ? CreateRaw : CreateRaw + ";" + CopyLeafOptions, ct);
        await _statements.CheckpointAsync(ct);
        var elapsed = await _statements.TimeAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await BarCopy.CopyAsync(connection, schemaSql.Qualify(RawTable),
                [.. names.Select((s, i) => new BarGroup(s, "1m", history[i]))], storageOptions.Value.CommandTimeout, ct);
        });
        await _statements.ExecuteAsync("DROP TABLE sd_schema.bench_raw_intraday", ct);
        return elapsed;
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        await _statements.ExecuteAsync("VACUUM ANALYZE sd_schema.intraday_bars", ct);
        await _statements.ExecuteAsync("VACUUM ANALYZE sd_schema.symbol_intervals", ct);
        await _statements.CheckpointAsync(ct);
    }

    /// <summary>
    /// The leaves' update counters once they reach <paramref name="expected"/> updates. A backend reports its counters
    /// when it goes idle, at most once a second, else after 10 s idle, so they are polled for up to 30 s (and returned
    /// as they are after that).
    /// </summary>
    private async Task<(long Updates, long Hot)> UpdatesAsync(long expected, CancellationToken ct)
    {
        var deadline = timeProvider.GetTimestamp() + (30 * timeProvider.TimestampFrequency);
        while (true)
        {
            // A new snapshot of the statistics each time (they are cached for the transaction otherwise).
            var text = await _statements.ScalarAsync<string>(Updates, ct);
            var parts = text.Split('/');
            var counters = (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
            if (counters.Item1 >= expected || timeProvider.GetTimestamp() > deadline)
            {
                return counters;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, ct);
        }
    }

    private async Task<long> RowsWrittenSinceAsync(long txid, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            schemaSql.Qualify("SELECT count(*) FROM sd_schema.intraday_bars WHERE ((xmin::text::bigint - $1 + 4294967296) % 4294967296) < 2147483648"));
        command.Parameters.Add(new NpgsqlParameter { Value = txid % 4294967296L });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string Line(string name, int rows, TimeSpan elapsed, TimeSpan raw) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{name}: {rows:N0} rows in {elapsed.TotalSeconds:0.000} s = {rows / elapsed.TotalSeconds:N0} rows/s, × raw copy {raw.TotalSeconds / elapsed.TotalSeconds:0.00}");
}

/// <summary>The timed passes of one layout.</summary>
internal sealed class IntradayLayoutSamples(string layout)
{
    public string Layout { get; } = layout;

    public PairedSamples Fresh { get; } = new();

    /// <summary>The fresh passes against a raw copy into a packed table (fillfactor 100), whatever the leaves have.</summary>
    public PairedSamples FreshPacked { get; } = new();

    public PairedSamples Unchanged { get; } = new();

    public PairedSamples Changed { get; } = new();

    public long UnchangedTuplesWritten { get; set; }

    public long ChangedRevisions { get; set; }

    /// <summary>Of the last changed pass's updates, the share PostgreSQL made HOT (in place on the page, no index entry).</summary>
    public double ChangedHotShare { get; set; }

    /// <summary>intraday_bars' size (heap, indexes, TOAST) after the last fresh pass and after the last changed pass.</summary>
    public long FreshBytes { get; set; }

    public long ChangedBytes { get; set; }
}

/// <summary>One <c>bench writer-intraday</c> run: both layouts against the daily targets of <c>bench writer</c>.</summary>
internal sealed record IntradayWriterBenchmarkResult(
    int Symbols,
    int Rows,
    int BatchSize,
    int WriteConcurrency,
    BenchServer Server,
    IntradayLayoutSamples Unpartitioned,
    IntradayLayoutSamples Partitioned,
    TimeSpan Migration)
{
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"stockdata bench writer-intraday: {Symbols:N0} symbols, {Rows:N0} 1m rows; batch {BatchSize:N0} rows, {WriteConcurrency} batch(es) written at once; " +
                           $"{Unpartitioned.Fresh.Times.Count} rounds per layout, each pass right after a raw-copy sample into an unpartitioned copy " +
                           $"with the leaves' storage parameters");
        text.AppendLine(c, $"server: {Server}");
        text.AppendLine(c, $"migration 0011 (partitioning {Rows:N0} rows in place): {Migration.TotalSeconds:0.00} s");
        text.AppendLine();
        text.AppendLine(c, $"{"layout",-14} {"pass",-10} {"rows/s: median (min–max)",-30} {"× raw copy: median (min–max)",-30} target");
        foreach (var s in new[] { Unpartitioned, Partitioned })
        {
            Row(s.Layout, "fresh", s.Fresh, WriterBenchmarkResult.FreshTarget,
                "; × packed raw copy " + s.FreshPacked.Ratios.Format("0.00"));
            Row(s.Layout, "unchanged", s.Unchanged, WriterBenchmarkResult.UnchangedTarget, $"; {s.UnchangedTuplesWritten:N0} tuples written");
            Row(s.Layout, "changed", s.Changed, WriterBenchmarkResult.ChangedTarget, $"; {s.ChangedRevisions:N0} revisions kept");
        }

        text.AppendLine();
        foreach (var s in new[] { Unpartitioned, Partitioned })
        {
            text.AppendLine(c, $"{s.Layout}: intraday_bars {s.FreshBytes / 1048576.0:0.0} MB after the fresh pass, {s.ChangedBytes / 1048576.0:0.0} MB " +
                               $"after the changed pass; {s.ChangedHotShare:P0} of the changed pass's updates HOT");
        }

        return text.ToString();

        void Row(string layout, string pass, PairedSamples samples, double target, string note) =>
            text.AppendLine(c, $"{layout,-14} {pass,-10} {samples.Rates(Rows).Format("N0"),-30} {samples.Ratios.Format("0.00"),-30} " +
                               $"≥ {target:0.00} {(samples.Ratios.Median >= target ? "met" : "MISSED")}{note}");
    }
}
