using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Ingest;
using StockData.Storage;
using StockData.Storage.Postgres;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// <c>bench pipeline</c>: the replay code path end to end (fetch service with a cold cache and the limiter set to
/// unlimited, parse, batch, COPY merge) against a simulator process with zero latency and no rate limit, beside raw
/// binary COPY of the same rows, in one run, over several rounds. Also the process's peak RSS during the first replay and
/// the most PostgreSQL backends it used.
/// </summary>
internal sealed class PipelineBenchmark(
    IngestPipeline pipeline,
    SchemaMigrator migrator,
    NpgsqlDataSource dataSource,
    SchemaSql schemaSql,
    IOptions<StorageOptions> storage,
    TimeProvider time)
{
    public async Task<PipelineBenchmarkResult> RunAsync(int symbols, int years, int warmupSymbols, int rounds, Action<string> log,
        CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        var server = await BenchServer.ReadAsync(dataSource, storage.Value.PostgresConnectionString, cancellationToken);
        log($"server: {server}");
        var from = time.GetUtcNow().AddYears(-years);

        using var sampling = new CancellationTokenSource();
        var backends = SampleBackendsAsync(storage.Value.ApplicationName, sampling.Token);
        if (warmupSymbols > 0)
        {
            // Untimed, as every benchmark harness warms up: the first seconds of a process are the JIT taking the
            // parser, the writer and Npgsql up its tiers (docs/performance.md, Pipeline), which a 500-symbol run would
            // otherwise count as pipeline time while the raw-COPY reference it is divided by runs warm. Other symbol
            // names, so the timed run still pays the simulator's first generation of every history and takes the
            // writer's fresh-history path for every symbol.
            log($"warm-up: {warmupSymbols} other symbols through the same path, untimed");
            var warm = Enumerable.Range(1, warmupSymbols).Select(i => new SymbolRequest($"WARM{i:D5}", BarInterval.Daily, from));
            await pipeline.RunAsync(warm.ToAsyncEnumerable(), new IngestStats(), null, cancellationToken, cancellationToken);
        }

        // Rounds of (CHECKPOINT, timed replay, CHECKPOINT, raw-COPY sample of the same rows), each replay into emptied
        // tables under symbol names of its own (so every round pays the simulator's first generation of each history and
        // takes the writer's fresh-history path). The reference used to be measured once, after the replay and without a
        // checkpoint: it then paid for the replay's dirty pages, and two back-to-back runs gave 260k and 374k rows/s
        // for the same replay speed. Each round's ratio divides by the sample taken right after it.
        var replays = new List<(long Rows, double Seconds)>();
        var rawRates = new List<double>();
        double? peakRss = null;
        for (var round = 1; round <= rounds; round++)
        {
            var prefix = $"{TimedPrefix}{round}";
            var requests = Enumerable.Range(1, symbols).Select(i => new SymbolRequest($"{prefix}{i:D5}", BarInterval.Daily, from)).ToList();
            await CheckpointAsync(cancellationToken);
            var stats = new IngestStats();
            log($"round {round}/{rounds}: replaying {symbols} symbols x {years} years");
            var started = Stopwatch.GetTimestamp();
            await pipeline.RunAsync(requests.ToAsyncEnumerable(), stats, null, cancellationToken, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (stats.SymbolsOk != symbols)
            {
                throw new InvalidOperationException($"only {stats.SymbolsOk} of {symbols} symbols landed ({stats.SymbolsFailed} failed)");
            }

            replays.Add((stats.RowsWritten, elapsed));
            log(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: pipeline {stats.RowsWritten:N0} rows in {elapsed:0.00} s = {stats.RowsWritten / elapsed:N0} rows/s"));

            // The high-water mark of the first replay alone, before any raw-COPY rows are loaded into this process.
            peakRss ??= PeakRssMegabytes();

            // This round's own rows, read back, copied, and dropped before the next replay (holding them would add a
            // heap of a hundred MB and more to the next round's garbage collections).
            var (reference, referenceRows) = await ReadReferenceAsync(prefix, cancellationToken);
            rawRates.Add(await RawCopyRowsPerSecondAsync(reference, referenceRows, cancellationToken));
            reference.Clear();
            log(string.Create(CultureInfo.InvariantCulture, $"round {round}: raw COPY of {referenceRows:N0} of those rows: {rawRates[^1]:N0} rows/s"));
            if (round < rounds)
            {
                await ExecuteAsync("TRUNCATE sd_schema.daily_bars, sd_schema.bar_revision_sets, sd_schema.dividends, sd_schema.splits, sd_schema.capital_gains, sd_schema.symbol_intervals, sd_schema.symbols", cancellationToken);
            }
        }

        await sampling.CancelAsync();
        var maxBackends = await backends;
        return new PipelineBenchmarkResult(replays[0].Rows, replays.Select(r => r.Rows / r.Seconds).ToList(), rawRates, peakRss ?? 0, maxBackends,
            storage.Value.MaxPoolSize, server);
    }

    /// <summary>
    /// The limit's rows: one round's stored rows read back into memory (at most <see cref="RawCopySampleRows"/>, so a
    /// 5,000-symbol run does not hold 12 million rows; COPY's rate is flat in the row count).
    /// </summary>
    private async Task<(List<BarGroup> Groups, int Rows)> ReadReferenceAsync(string prefix, CancellationToken cancellationToken)
    {
        var bySymbol = new List<(string Symbol, string Interval, List<Bar> Rows)>();
        var count = 0;
        await using var read = dataSource.CreateCommand(
            schemaSql.Qualify($"SELECT symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume FROM sd_schema.daily_bars WHERE symbol LIKE $1 ORDER BY symbol LIMIT {RawCopySampleRows}"));
        read.Parameters.Add(new NpgsqlParameter { Value = prefix + "%" });
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var symbol = reader.GetString(0);
                if (bySymbol.Count == 0 || bySymbol[^1].Symbol != symbol)
                {
                    bySymbol.Add((symbol, reader.GetString(1), []));
                }

                bySymbol[^1].Rows.Add(new Bar(new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero), reader.GetFieldValue<DateOnly>(2),
                    reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7),
                    reader.IsDBNull(8) ? null : reader.GetDouble(8), reader.IsDBNull(9) ? null : reader.GetInt64(9)));
                count++;
            }
        }

        return (bySymbol.Select(g => new BarGroup(g.Symbol, g.Interval, new BarSlice(g.Rows))).ToList(), count);
    }

    /// <summary>
    /// One raw-COPY sample: binary COPY (the writer's own, explicit types per column) into an empty copy of daily_bars
    /// with its primary key and storage parameters, after a CHECKPOINT, timed alone.
    /// </summary>
    private async Task<double> RawCopyRowsPerSecondAsync(List<BarGroup> groups, int rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(schemaSql.Qualify(RawCopyTable.Create), connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CheckpointAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await BarCopy.CopyAsync(connection, schemaSql.Qualify(RawCopyTable.Name), groups, TimeSpan.FromMinutes(10), cancellationToken);
        var rate = rows / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await using (var drop = new NpgsqlCommand(schemaSql.Qualify(RawCopyTable.Drop), connection))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        return rate;
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync("CHECKPOINT", cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // CHECKPOINT needs superuser or pg_checkpoint: without it the passes just start with dirtier buffers.
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Constant statements of this file.
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The timed run's symbol names (the warm-up's are WARMnnnnn): the raw-COPY reference copies only these rows.</summary>
    private const string TimedPrefix = "BENCH";

    private const int RawCopySampleRows = 2_000_000;

    /// <summary>The most backends with this process's application_name seen in pg_stat_activity (sampled every 50 ms).</summary>
    private async Task<int> SampleBackendsAsync(string applicationName, CancellationToken cancellationToken)
    {
        var max = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using (var command = dataSource.CreateCommand(
                                 "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND backend_type = 'client backend'"))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = applicationName });
                    max = Math.Max(max, (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!);
                }

                await Task.Delay(50, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return max;
    }

    /// <summary>VmHWM: the peak resident set size of this process, in MB.</summary>
    private static double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
    }
}

/// <summary>
/// The figures of one <c>bench pipeline</c> run: per round the replay's rows/s and the raw-COPY rows/s measured right
/// after it; the ratio is per round (replay ÷ that round's raw COPY), its median the headline.
/// </summary>
internal sealed record PipelineBenchmarkResult(long Rows, IReadOnlyList<double> ReplayRates, IReadOnlyList<double> RawCopyRates, double PeakRssMb,
    int MaxBackends, int PoolMax, BenchServer Server)
{
    public const double RatioTarget = 0.35;

    public Spread Replay => Spread.Of(ReplayRates);

    public Spread RawCopy => Spread.Of(RawCopyRates);

    public Spread Ratio => Spread.Of(ReplayRates.Zip(RawCopyRates, (replay, raw) => replay / raw));

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["rows"] = Rows,
        ["rounds"] = ReplayRates.Count,
        ["rows_per_s"] = Math.Round(Replay.Median),
        ["raw_copy_rows_per_s"] = Math.Round(RawCopy.Median),
        ["ratio_to_raw_copy"] = Math.Round(Ratio.Median, 3),
        ["peak_rss_mb"] = Math.Round(PeakRssMb, 1),
        ["max_backends"] = MaxBackends,
        ["pool_max"] = PoolMax,
        ["spread"] = new Dictionary<string, object>
        {
            ["rows_per_s"] = Replay.ToJson(0),
            ["raw_copy_rows_per_s"] = RawCopy.ToJson(0),
            ["ratio_to_raw_copy"] = Ratio.ToJson(3),
        },
        ["server"] = Server.ToJson(),
    });

    public string ToTable() => string.Join('\n',
        $"server: {Server}",
        string.Create(CultureInfo.InvariantCulture, $"rounds               {ReplayRates.Count,14}   (each: CHECKPOINT, replay; CHECKPOINT, raw COPY)"),
        string.Create(CultureInfo.InvariantCulture, $"rows per round       {Rows,14:N0}"),
        string.Create(CultureInfo.InvariantCulture, $"end-to-end rows/s    {Replay.Median,14:N0}   ({Replay.Min:N0}–{Replay.Max:N0})"),
        string.Create(CultureInfo.InvariantCulture, $"raw COPY rows/s      {RawCopy.Median,14:N0}   ({RawCopy.Min:N0}–{RawCopy.Max:N0})"),
        string.Create(CultureInfo.InvariantCulture, $"ratio to raw COPY    {Ratio.Median,14:0.000}   ({Ratio.Min:0.000}–{Ratio.Max:0.000}; target >= {RatioTarget})"),
        string.Create(CultureInfo.InvariantCulture, $"peak RSS (MB)        {PeakRssMb,14:0.0}   (first replay, before the raw-COPY rows are loaded)"),
        string.Create(CultureInfo.InvariantCulture, $"max backends         {MaxBackends,14}   (pool max {PoolMax})"));
}
