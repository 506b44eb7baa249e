using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Pipeline.Ingest;
using StockData.Storage;
using StockData.Storage.Postgres;

namespace StockData.Pipeline.Benchmarks;

/// <summary>
/// <c>bench pipeline</c>: the replay code path end to end (fetch service with a cold cache and the limiter set to
/// unlimited, parse, batch, COPY merge) against a simulator process with zero latency and no rate limit, beside raw
/// binary COPY of the same rows, in one run. Also the process's peak RSS and the most PostgreSQL backends it used.
/// </summary>
internal sealed class PipelineBenchmark(
    IngestPipeline pipeline,
    SchemaMigrator migrator,
    NpgsqlDataSource dataSource,
    IOptions<StorageOptions> storage,
    TimeProvider time)
{
    public async Task<PipelineBenchmarkResult> RunAsync(int symbols, int years, int warmupSymbols, Action<string> log,
        CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        var from = time.GetUtcNow().AddYears(-years);
        var requests = Enumerable.Range(1, symbols)
            .Select(i => new SymbolRequest($"{TimedPrefix}{i:D5}", BarInterval.Daily, from))
            .ToList();

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

        var stats = new IngestStats();
        log($"replaying {symbols} symbols x {years} years");
        var started = Stopwatch.GetTimestamp();
        await pipeline.RunAsync(requests.ToAsyncEnumerable(), stats, null, cancellationToken, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await sampling.CancelAsync();
        var maxBackends = await backends;
        var peakRss = PeakRssMegabytes();
        if (stats.SymbolsOk != symbols)
        {
            throw new InvalidOperationException($"only {stats.SymbolsOk} of {symbols} symbols landed ({stats.SymbolsFailed} failed)");
        }

        var rows = stats.RowsWritten;
        log($"pipeline: {rows:N0} rows in {elapsed:0.00} s; now raw COPY of the same rows");
        var rawRowsPerSecond = await RawCopyRowsPerSecondAsync(cancellationToken);
        return new PipelineBenchmarkResult(rows, rows / elapsed, rawRowsPerSecond, peakRss, maxBackends, storage.Value.MaxPoolSize);
    }

    /// <summary>
    /// The limit: stored rows read back into memory (at most <see cref="RawCopySampleRows"/>, so a 5,000-symbol run does
    /// not hold 12 million rows; COPY's rate is flat in the row count), then binary COPY into an empty copy of
    /// daily_bars with its primary key, timed alone, three times (the median).
    /// </summary>
    private async Task<double> RawCopyRowsPerSecondAsync(CancellationToken cancellationToken)
    {
        var bySymbol = new List<(string Symbol, string Interval, List<Bar> Rows)>();
        var count = 0;
        await using (var read = dataSource.CreateCommand(
                         $"SELECT symbol, interval, trade_date, ts, open, high, low, close, adj_close, volume FROM daily_bars WHERE symbol LIKE '{TimedPrefix}%' ORDER BY symbol LIMIT {RawCopySampleRows}"))
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

        var groups = bySymbol.Select(g => new BarGroup(g.Symbol, g.Interval, new BarSlice(g.Rows))).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // Three samples, the median kept: on this shared machine one COPY's speed varied by 1.7x between runs
        // (docs/performance.md, Pipeline), and every ratio divides by it.
        var samples = new List<double>();
        for (var i = 0; i < RawCopySamples; i++)
        {
            await using (var create = new NpgsqlCommand(RawCopyTable.Create, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            // The writer's own binary COPY (explicit types per column), into an empty copy of daily_bars (primary key and
            // storage parameters).
            var started = Stopwatch.GetTimestamp();
            await BarCopy.CopyAsync(connection, RawCopyTable.Name, groups, TimeSpan.FromMinutes(10), cancellationToken);
            samples.Add(count / Stopwatch.GetElapsedTime(started).TotalSeconds);
            await using (var drop = new NpgsqlCommand(RawCopyTable.Drop, connection))
            {
                await drop.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }

    private const int RawCopySamples = 3;

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

/// <summary>The figures of one <c>bench pipeline</c> run.</summary>
internal sealed record PipelineBenchmarkResult(long Rows, double RowsPerSecond, double RawCopyRowsPerSecond, double PeakRssMb,
    int MaxBackends, int PoolMax)
{
    public double RatioToRawCopy => RowsPerSecond / RawCopyRowsPerSecond;

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["rows"] = Rows,
        ["rows_per_s"] = Math.Round(RowsPerSecond),
        ["raw_copy_rows_per_s"] = Math.Round(RawCopyRowsPerSecond),
        ["ratio_to_raw_copy"] = Math.Round(RatioToRawCopy, 3),
        ["peak_rss_mb"] = Math.Round(PeakRssMb, 1),
        ["max_backends"] = MaxBackends,
        ["pool_max"] = PoolMax,
    });

    public string ToTable() => string.Join('\n',
        string.Create(CultureInfo.InvariantCulture, $"rows                 {Rows,14:N0}"),
        string.Create(CultureInfo.InvariantCulture, $"end-to-end rows/s    {RowsPerSecond,14:N0}"),
        string.Create(CultureInfo.InvariantCulture, $"raw COPY rows/s      {RawCopyRowsPerSecond,14:N0}"),
        string.Create(CultureInfo.InvariantCulture, $"ratio to raw COPY    {RatioToRawCopy,14:0.000}   (target >= 0.35)"),
        string.Create(CultureInfo.InvariantCulture, $"peak RSS (MB)        {PeakRssMb,14:0.0}"),
        string.Create(CultureInfo.InvariantCulture, $"max backends         {MaxBackends,14}   (pool max {PoolMax})"));
}
