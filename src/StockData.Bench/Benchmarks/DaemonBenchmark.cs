using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Ingest;
using StockData.Storage;
using StockData.Storage.Postgres;
using StockData.Upstream.Redis;

namespace StockData.Bench.Benchmarks;

/// <summary>What one <c>bench daemon</c> invocation measures.</summary>
/// <param name="NewBars">Trading days removed from the end of every symbol's history before each run: what the refresh has to add.</param>
/// <param name="MaxLeases">Every replica's StockData:Daemon:MaxLeases (also ClaimBatch, MaxBatchAgeMs: the same, reported with each run).</param>
internal sealed record DaemonBenchmarkSettings(int Symbols, IReadOnlyList<int> ReplicaCounts, int HistoryDays, int NewBars, string StockDataDll,
    TimeSpan RunTimeout, int MaxLeases, int ClaimBatch, int MaxBatchAgeMs);

/// <summary>
/// <c>bench daemon</c>: M symbols due at once, refreshed by R real <c>stockdata run</c> processes on one PostgreSQL and
/// one shared Redis bucket, against a simulator with no rate limit (the client limiter raised out of the way too), so
/// the store and the lease machinery are what is measured. Per run: time until every symbol is refreshed, claim and
/// renewal traffic (the replicas' own counters), PostgreSQL backends in use (sampled), PostgreSQL's CPU (its whole
/// process tree from /proc) per refreshed symbol, and the replicas' and the simulator's CPU.
/// </summary>
/// <remarks>
/// The universe is seeded once, through the product's own pipeline in this process (a realistic history, written the
/// way <c>replay</c> writes it); before each run the last <see cref="DaemonBenchmarkSettings.NewBars"/> trading days are
/// deleted and every watermark set back to the last bar left, so each run is the same realistic daily refresh: an
/// incremental fetch per symbol (a few overlap bars, unchanged, plus the missing days, inserted), not a first load.
/// </remarks>
internal sealed class DaemonBenchmark(
    IngestPipeline pipeline,
    SchemaMigrator migrator,
    NpgsqlDataSource dataSource,
    SchemaSql schemaSql,
    IOptions<StorageOptions> storage,
    IOptions<RateLimitOptions> rateLimit,
    TimeProvider time)
{
    private const string SymbolPrefix = "DMN";

    public async Task<IReadOnlyList<DaemonBenchmarkResult>> RunAsync(DaemonBenchmarkSettings settings, BenchSimulator simulator,
        IDictionary<string, string?> replicaEnvironment, Action<string> log, CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        var server = await BenchServer.ReadAsync(dataSource, storage.Value.PostgresConnectionString, cancellationToken);
        log($"server: {server}");
        var postmaster = await PostmasterPidAsync(cancellationToken);
        log(postmaster is null
            ? "PostgreSQL's processes are not visible in /proc here: its CPU is not measured"
            : $"PostgreSQL postmaster pid {postmaster}: its process tree's CPU is measured from /proc");

        await SeedAsync(settings, log, cancellationToken);
        var cutoff = await CutoffAsync(settings.NewBars, cancellationToken);
        var results = new List<DaemonBenchmarkResult>();
        foreach (var replicas in settings.ReplicaCounts)
        {
            await ResetAsync(cutoff, cancellationToken);
            log($"run: {settings.Symbols:N0} symbols due at once, {replicas} replica(s); load {ProcCpu.LoadAverage()}");
            var result = await RunOnceAsync(settings, replicas, simulator, replicaEnvironment, postmaster, server, log, cancellationToken);
            log(result.ToLine());
            results.Add(result);
        }

        return results;
    }

    /// <summary>The universe with its history: every symbol replayed once (daily bars from <see cref="DaemonBenchmarkSettings.HistoryDays"/> back).</summary>
    private async Task SeedAsync(DaemonBenchmarkSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var from = time.GetUtcNow().AddDays(-settings.HistoryDays);
        log($"seeding: {settings.Symbols:N0} symbols x {settings.HistoryDays} calendar days of daily bars through the replay path");
        var started = Stopwatch.GetTimestamp();
        var stats = new IngestStats();
        var requests = Enumerable.Range(1, settings.Symbols).Select(i => new SymbolRequest(SymbolName(i), BarInterval.Daily, from));
        await pipeline.RunAsync(requests.ToAsyncEnumerable(), stats, null, cancellationToken, cancellationToken);
        if (stats.SymbolsOk != settings.Symbols)
        {
            throw new InvalidOperationException($"seeding: only {stats.SymbolsOk} of {settings.Symbols} symbols landed ({stats.SymbolsFailed} failed)");
        }

        log(string.Create(CultureInfo.InvariantCulture,
            $"seeded {stats.RowsWritten:N0} rows in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    /// <summary>The trade date after which bars are deleted before each run: the (NewBars+1)-th latest of the stored dates.</summary>
    private async Task<DateOnly> CutoffAsync(int newBars, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(
            "SELECT trade_date FROM (SELECT DISTINCT trade_date FROM sd_schema.daily_bars WHERE symbol = $1) d ORDER BY 1 DESC OFFSET $2 LIMIT 1"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SymbolName(1) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = newBars });
        return await command.ExecuteScalarAsync(cancellationToken) is DateOnly date
            ? date
            : throw new InvalidOperationException($"seeding left fewer than {newBars + 1} bars for {SymbolName(1)}");
    }

    /// <summary>
    /// Every symbol back to "holds history, misses the last days, not due": the missing days deleted, the watermark on
    /// the last bar left, the lease and fetch times cleared, then VACUUM and CHECKPOINT so each run starts from the
    /// same state of the tables (and pays for no earlier run's dead rows or dirty pages).
    /// </summary>
    private async Task ResetAsync(DateOnly cutoff, CancellationToken cancellationToken)
    {
        await using (var delete = dataSource.CreateCommand(schemaSql.Qualify("DELETE FROM sd_schema.daily_bars WHERE trade_date > $1")))
        {
            delete.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = cutoff });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await ExecuteAsync("""
            UPDATE sd_schema.symbol_intervals si SET watermark = w.ts, next_fetch_at = now() + interval '30 days',
                lease_owner = NULL, lease_until = NULL, last_fetch_at = NULL, last_success_at = NULL,
                consecutive_failures = 0, full_refetch_pending = false
            FROM (SELECT symbol, interval, max(ts) AS ts FROM sd_schema.daily_bars GROUP BY symbol, interval) w
            WHERE si.symbol = w.symbol AND si.interval = w.interval
            """, cancellationToken);
        await ExecuteAsync("VACUUM (ANALYZE) sd_schema.daily_bars, sd_schema.symbol_intervals, sd_schema.symbols, sd_schema.bar_counts", cancellationToken);
        try
        {
            await ExecuteAsync("CHECKPOINT", cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Without the privilege the run starts with dirtier buffers; the figures still compare within a run.
        }
    }

    private async Task<DaemonBenchmarkResult> RunOnceAsync(DaemonBenchmarkSettings settings, int replicaCount, BenchSimulator simulator,
        IDictionary<string, string?> replicaEnvironment, int? postmaster, BenchServer server, Action<string> log, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var applicationName = $"{storage.Value.ApplicationName}_d{runId}";
        var keyPrefix = rateLimit.Value.KeyPrefix;
        var replicas = new List<StockDataProcess>();
        try
        {
            for (var i = 1; i <= replicaCount; i++)
            {
                var environment = new Dictionary<string, string?>(replicaEnvironment)
                {
                    ["StockData__Daemon__ReplicaId"] = $"bench-{runId}-r{i}",
                    ["StockData__Storage__ApplicationName"] = applicationName,
                    // Fresh per run: the shared bucket starts full, and no run is served the response cache of the one before.
                    ["StockData__RateLimit__KeyPrefix"] = $"{keyPrefix}{runId}:",
                    ["StockData__Cache__KeyPrefix"] = $"{keyPrefix}{runId}:cache:",
                };
                replicas.Add(await StockDataProcess.StartRunAsync($"r{i}", settings.StockDataDll, environment, cancellationToken));
            }

            var loadBefore = ProcCpu.LoadAverage();
            var serverBefore = await ServerCountersAsync(cancellationToken);
            var before = await SnapshotAsync(replicas, simulator, postmaster, cancellationToken);
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var backends = SampleBackendsAsync(applicationName, sampling.Token);

            // Everything due at once; the clock starts when the UPDATE has committed (the replicas poll every second).
            await ExecuteAsync("UPDATE sd_schema.symbol_intervals SET next_fetch_at = now()", cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var finished = await WaitAllFetchedAsync(settings.Symbols, settings.RunTimeout, replicas, log, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var after = await SnapshotAsync(replicas, simulator, postmaster, cancellationToken);
            var loadAfter = ProcCpu.LoadAverage();
            await sampling.CancelAsync();
            var backendSamples = await backends;
            // A backend reports its counters to the statistics system once it has been idle a moment (at most once a
            // second): read them after that, when every replica has gone quiet.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var serverAfter = await ServerCountersAsync(cancellationToken);
            if (!finished)
            {
                throw new TimeoutException($"{replicaCount} replica(s) did not refresh {settings.Symbols} symbols within {settings.RunTimeout}:\n" +
                                           string.Join('\n', replicas.Select(r => $"--- {r.Name}\n{r.Output}")));
            }

            var (refreshed, failed) = await OutcomesAsync(cancellationToken);
            return new DaemonBenchmarkResult(settings.Symbols, replicaCount, seconds, refreshed, failed,
                after.Sum("stockdata_rows_written_total{outcome=\"inserted\"}") - before.Sum("stockdata_rows_written_total{outcome=\"inserted\"}"),
                after.Sum("stockdata_rows_written_total{outcome=\"updated\"}") - before.Sum("stockdata_rows_written_total{outcome=\"updated\"}"),
                after.Sum("stockdata_rows_written_total{outcome=\"unchanged\"}") - before.Sum("stockdata_rows_written_total{outcome=\"unchanged\"}"),
                after.Sum("stockdata_lease_claim_rounds_total") - before.Sum("stockdata_lease_claim_rounds_total"),
                after.Sum("stockdata_leases_claimed_total") - before.Sum("stockdata_leases_claimed_total"),
                after.Sum("stockdata_leases_renewed_total") - before.Sum("stockdata_leases_renewed_total"),
                after.Sum("stockdata_lease_takeovers_total") - before.Sum("stockdata_lease_takeovers_total"),
                backendSamples,
                after.PostgresCpu - before.PostgresCpu,
                after.ReplicaCpu.Zip(before.ReplicaCpu, (a, b) => a - b).ToList(),
                after.SimulatorCpu - before.SimulatorCpu,
                serverAfter - serverBefore, loadBefore, loadAfter, Environment.ProcessorCount, server, settings);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                var exit = await replica.StopAsync(CancellationToken.None); // also on cancellation: the replicas must go
                if (exit != 0)
                {
                    log($"replica {replica.Name} exited {exit}:\n{replica.Output}");
                }

                await replica.DisposeAsync();
            }
        }
    }

    /// <summary>Polls (every 500 ms) until every symbol was fetched and handed back; false at the deadline or if every replica died.</summary>
    private async Task<bool> WaitAllFetchedAsync(int symbols, TimeSpan timeout, IReadOnlyList<StockDataProcess> replicas, Action<string> log,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastLog = started;
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            await using var command = dataSource.CreateCommand(schemaSql.Qualify(
                "SELECT count(*) FROM sd_schema.symbol_intervals WHERE last_fetch_at IS NOT NULL AND lease_owner IS NULL"));
            var done = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (done >= symbols)
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(lastLog) > TimeSpan.FromSeconds(30))
            {
                log(string.Create(CultureInfo.InvariantCulture,
                    $"  {done:N0} of {symbols:N0} refreshed after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; load {ProcCpu.LoadAverage()}"));
                lastLog = Stopwatch.GetTimestamp();
            }

            if (replicas.All(r => r.CpuSeconds == 0))
            {
                return false;
            }

            await Task.Delay(500, cancellationToken);
        }

        return false;
    }

    private async Task<(long Refreshed, long Failed)> OutcomesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(
            "SELECT count(*) FILTER (WHERE last_success_at IS NOT NULL), count(*) FILTER (WHERE last_success_at IS NULL) FROM sd_schema.symbol_intervals"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<Snapshot> SnapshotAsync(IReadOnlyList<StockDataProcess> replicas, BenchSimulator simulator, int? postmaster,
        CancellationToken cancellationToken)
    {
        var metrics = await Task.WhenAll(replicas.Select(r => r.MetricsAsync(cancellationToken)));
        return new Snapshot(metrics, replicas.Select(r => r.CpuSeconds).ToList(), postmaster is { } pid ? ProcCpu.ServerTreeSeconds(pid) : null,
            simulator.CpuTime.TotalSeconds);
    }

    /// <summary>
    /// pg_stat_activity every 200 ms: the replicas' backends (their application_name), open and active (not idle),
    /// and every client backend of the server; of the active ones, what they wait for (the WAL flush of a commit, a
    /// lock, other I/O) or none (on CPU, or runnable and waiting for one): the measured answer to "what limits it".
    /// The four groups are disjoint: a backend queued behind another's WAL flush is LWLock:WALWrite, a lock wait.
    /// </summary>
    private async Task<BackendSamples> SampleBackendsAsync(string applicationName, CancellationToken cancellationToken)
    {
        var samples = new List<BackendSample>();
        var waits = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                // "active" only: an idle-in-transaction backend waits for its client (ClientRead), which is the replica's time.
                await using (var command = new NpgsqlCommand("""
                    SELECT count(*) FILTER (WHERE mine),
                           count(*) FILTER (WHERE mine AND state = 'active'),
                           count(*),
                           count(*) FILTER (WHERE mine AND state = 'active' AND wait_event IS NULL),
                           count(*) FILTER (WHERE mine AND state = 'active' AND wait_event_type = 'IO' AND wait_event IN ('WALSync', 'WALWrite')),
                           count(*) FILTER (WHERE mine AND state = 'active' AND wait_event_type IN ('Lock', 'LWLock')),
                           count(*) FILTER (WHERE mine AND state = 'active' AND wait_event_type = 'IO' AND wait_event NOT IN ('WALSync', 'WALWrite'))
                    FROM (SELECT *, application_name = $1 AS mine FROM pg_stat_activity WHERE backend_type = 'client backend') a
                    """, connection))
                {
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = applicationName });
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    await reader.ReadAsync(cancellationToken);
                    samples.Add(new BackendSample((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3),
                        (int)reader.GetInt64(4), (int)reader.GetInt64(5), (int)reader.GetInt64(6)));
                }

                // Which waits exactly (a row lock is Lock:transactionid or Lock:tuple, a commit's flush IO:WALSync, …).
                await using (var command = new NpgsqlCommand("""
                    SELECT coalesce(wait_event_type || ':' || wait_event, 'none'), count(*)
                    FROM pg_stat_activity
                    WHERE backend_type = 'client backend' AND application_name = $1 AND state = 'active'
                    GROUP BY 1
                    """, connection))
                {
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = applicationName });
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        waits[reader.GetString(0)] = waits.GetValueOrDefault(reader.GetString(0)) + (int)reader.GetInt64(1);
                    }
                }

                await Task.Delay(200, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return BackendSamples.Of(samples, waits);
    }

    /// <summary>The database's commits (pg_stat_database) and the server's WAL records, bytes and syncs (pg_stat_wal).</summary>
    private async Task<ServerCounters> ServerCountersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), w.wal_records, w.wal_bytes::float8, w.wal_sync
            FROM pg_stat_wal w
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ServerCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3));
    }

    private async Task<int?> PostmasterPidAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        return ProcCpu.ParentOf(backend);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string SymbolName(int i) => $"{SymbolPrefix}{i:D5}";

    /// <summary>The replicas' counters, CPU seconds of each process at one moment.</summary>
    private sealed record Snapshot(IReadOnlyList<Dictionary<string, double>> Metrics, IReadOnlyList<double> ReplicaCpu, double? PostgresCpu,
        double SimulatorCpu)
    {
        public double Sum(string series) => Metrics.Sum(m => m.GetValueOrDefault(series));
    }
}
