using System.Globalization;
using System.Text.Json;

namespace StockData.Bench.Benchmarks;

/// <summary>One pg_stat_activity sample: the replicas' backends open and active, the server's all, and what the active ones waited on.</summary>
internal readonly record struct BackendSample(int Open, int Active, int All, int OnCpu, int WalFlush, int Locks, int OtherIo);

/// <summary>
/// pg_stat_activity sampled during a run: the replicas' backends open and active, the server's all; and the mean number of
/// active ones on CPU (no wait event), flushing WAL (IO:WALSync, IO:WALWrite: a commit's write and fsync), waiting for a
/// lock (heavyweight or lightweight; LWLock:WALWrite is waiting for another backend's flush), for other I/O.
/// </summary>
/// <param name="Waits">Each wait event seen on an active backend ("none": on CPU or runnable), its mean count per sample.</param>
internal sealed record BackendSamples(int Samples, int OpenMax, double OpenMean, int ActiveMax, double ActiveMean, int ServerMax,
    double OnCpuMean, double WalFlushMean, double LockMean, double OtherIoMean, IReadOnlyDictionary<string, double> Waits)
{
    public static BackendSamples Of(IReadOnlyList<BackendSample> samples, IReadOnlyDictionary<string, int> waits) => samples.Count == 0
        ? new BackendSamples(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, double>())
        : new BackendSamples(samples.Count, samples.Max(s => s.Open), samples.Average(s => s.Open), samples.Max(s => s.Active),
            samples.Average(s => s.Active), samples.Max(s => s.All), samples.Average(s => s.OnCpu), samples.Average(s => s.WalFlush),
            samples.Average(s => s.Locks), samples.Average(s => s.OtherIo),
            waits.OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal)
                .ToDictionary(w => w.Key, w => (double)w.Value / samples.Count, StringComparer.Ordinal));
}

/// <summary>Server-wide counters: the database's commits, and WAL records, bytes and syncs (fsyncs of the WAL).</summary>
internal readonly record struct ServerCounters(long Commits, long WalRecords, double WalBytes, long WalSyncs)
{
    public static ServerCounters operator -(ServerCounters after, ServerCounters before) =>
        new(after.Commits - before.Commits, after.WalRecords - before.WalRecords, after.WalBytes - before.WalBytes, after.WalSyncs - before.WalSyncs);
}

/// <summary>
/// One <c>bench daemon</c> run: M symbols due at once, R replicas, from the UPDATE that made them due to the moment the
/// last lease came back. Rates are per wall-clock second of the run; CPU figures are seconds of CPU over the run
/// (so CPU ÷ seconds is cores in use).
/// </summary>
internal sealed record DaemonBenchmarkResult(
    int Symbols,
    int Replicas,
    double Seconds,
    long Refreshed,
    long Failed,
    double RowsInserted,
    double RowsUpdated,
    double RowsUnchanged,
    double ClaimRounds,
    double LeasesClaimed,
    double LeasesRenewed,
    double Takeovers,
    BackendSamples Backends,
    double? PostgresCpuSeconds,
    IReadOnlyList<double> ReplicaCpuSeconds,
    double SimulatorCpuSeconds,
    ServerCounters ServerDelta,
    string LoadBefore,
    string LoadAfter,
    int Cores,
    BenchServer Server,
    DaemonBenchmarkSettings Settings)
{
    public double Rows => RowsInserted + RowsUpdated + RowsUnchanged;

    public double SymbolsPerSecond => Refreshed / Seconds;

    public double ReplicaCpuTotal => ReplicaCpuSeconds.Sum();

    /// <summary>PostgreSQL CPU per refreshed symbol in milliseconds; null when its processes were not visible.</summary>
    public double? PostgresCpuMsPerSymbol => PostgresCpuSeconds / Refreshed * 1000;

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["symbols"] = Symbols,
        ["replicas"] = Replicas,
        ["seconds"] = Math.Round(Seconds, 2),
        ["refreshed"] = Refreshed,
        ["failed"] = Failed,
        ["symbols_per_s"] = Math.Round(SymbolsPerSecond, 1),
        ["rows"] = (long)Rows,
        ["rows_inserted"] = (long)RowsInserted,
        ["rows_updated"] = (long)RowsUpdated,
        ["rows_unchanged"] = (long)RowsUnchanged,
        ["claim_rounds"] = (long)ClaimRounds,
        ["claim_rounds_per_s"] = Math.Round(ClaimRounds / Seconds, 1),
        ["leases_claimed"] = (long)LeasesClaimed,
        ["leases_claimed_per_s"] = Math.Round(LeasesClaimed / Seconds, 1),
        ["leases_renewed"] = (long)LeasesRenewed,
        ["leases_renewed_per_s"] = Math.Round(LeasesRenewed / Seconds, 2),
        ["lease_takeovers"] = (long)Takeovers,
        ["backends"] = new Dictionary<string, object>
        {
            ["open_max"] = Backends.OpenMax,
            ["open_mean"] = Math.Round(Backends.OpenMean, 1),
            ["active_max"] = Backends.ActiveMax,
            ["active_mean"] = Math.Round(Backends.ActiveMean, 2),
            ["server_max"] = Backends.ServerMax,
            ["samples"] = Backends.Samples,
            ["active_on_cpu_mean"] = Math.Round(Backends.OnCpuMean, 2),
            ["active_wal_flush_mean"] = Math.Round(Backends.WalFlushMean, 2),
            ["active_lock_mean"] = Math.Round(Backends.LockMean, 2),
            ["active_other_io_mean"] = Math.Round(Backends.OtherIoMean, 2),
            ["active_waits_mean"] = Backends.Waits.ToDictionary(w => w.Key, w => Math.Round(w.Value, 3)),
        },
        ["postgres_cpu_s"] = PostgresCpuSeconds is { } pg ? Math.Round(pg, 2) : null,
        ["postgres_cores"] = PostgresCpuSeconds is { } cores ? Math.Round(cores / Seconds, 2) : null,
        ["postgres_cpu_ms_per_symbol"] = PostgresCpuMsPerSymbol is { } perSymbol ? Math.Round(perSymbol, 3) : null,
        ["replicas_cpu_s"] = Math.Round(ReplicaCpuTotal, 2),
        ["replicas_cores"] = Math.Round(ReplicaCpuTotal / Seconds, 2),
        ["replica_cpu_s"] = ReplicaCpuSeconds.Select(c => Math.Round(c, 2)).ToList(),
        ["replicas_cpu_ms_per_symbol"] = Math.Round(ReplicaCpuTotal / Refreshed * 1000, 3),
        ["commits"] = ServerDelta.Commits,
        ["commits_per_symbol"] = Math.Round((double)ServerDelta.Commits / Refreshed, 2),
        ["wal_syncs"] = ServerDelta.WalSyncs,
        ["wal_syncs_per_s"] = Math.Round(ServerDelta.WalSyncs / Seconds, 1),
        ["wal_bytes_per_symbol"] = Math.Round(ServerDelta.WalBytes / Refreshed),
        ["simulator_cpu_s"] = Math.Round(SimulatorCpuSeconds, 2),
        ["simulator_cores"] = Math.Round(SimulatorCpuSeconds / Seconds, 2),
        ["cores"] = Cores,
        ["load_before"] = LoadBefore,
        ["load_after"] = LoadAfter,
        ["settings"] = new Dictionary<string, object>
        {
            ["history_days"] = Settings.HistoryDays,
            ["new_bars"] = Settings.NewBars,
            ["max_leases"] = Settings.MaxLeases,
            ["claim_batch"] = Settings.ClaimBatch,
            ["max_batch_age_ms"] = Settings.MaxBatchAgeMs,
        },
        ["server"] = Server.ToJson(),
    });

    /// <summary>One line of the table: the headline figures of the run.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"{Symbols,7:N0} symbols x {Replicas} replica(s): {Seconds,7:0.0} s, {SymbolsPerSecond,6:N0} symbols/s, {Refreshed:N0} refreshed ({Failed} not), " +
        $"{Rows:N0} rows ({RowsInserted:N0} new); claims {ClaimRounds / Seconds:0.0} rounds/s ({LeasesClaimed / Seconds:0.0} leases/s), " +
        $"renewals {LeasesRenewed / Seconds:0.00} leases/s; backends open max {Backends.OpenMax} (mean {Backends.OpenMean:0.0}), " +
        $"active max {Backends.ActiveMax} (mean {Backends.ActiveMean:0.00}: on CPU {Backends.OnCpuMean:0.00}, WAL flush {Backends.WalFlushMean:0.00}, " +
        $"locks {Backends.LockMean:0.00}, other I/O {Backends.OtherIoMean:0.00}); PostgreSQL {FormatCpu(PostgresCpuSeconds)} " +
        $"({FormatPerSymbol(PostgresCpuMsPerSymbol)}/symbol), replicas {ReplicaCpuTotal:0.0} s CPU ({ReplicaCpuTotal / Seconds:0.00} cores), " +
        $"simulator {SimulatorCpuSeconds:0.0} s CPU; {(double)ServerDelta.Commits / Refreshed:0.00} commits/symbol, " +
        $"{ServerDelta.WalSyncs / Seconds:0.0} WAL syncs/s, {ServerDelta.WalBytes / Refreshed:N0} WAL bytes/symbol; load {LoadBefore} -> {LoadAfter}");

    public static string ToTable(IReadOnlyList<DaemonBenchmarkResult> results) => string.Join('\n',
        new[]
        {
            results.Count > 0 ? $"server: {results[0].Server}" : "server: -",
            string.Create(CultureInfo.InvariantCulture,
                $"{"symbols",8} {"replicas",8} {"seconds",8} {"sym/s",7} {"claims/s",9} {"renew/s",8} {"backends",9} {"active",7} {"walflush",8} {"pg cores",8} {"pg ms/sym",9} {"repl cores",10} {"sim cores",9}  load before -> after"),
        }.Concat(results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Symbols,8:N0} {r.Replicas,8} {r.Seconds,8:0.0} {r.SymbolsPerSecond,7:N0} {r.LeasesClaimed / r.Seconds,9:0.0} {r.LeasesRenewed / r.Seconds,8:0.00} " +
            $"{r.Backends.OpenMax,9} {r.Backends.ActiveMean,7:0.00} {r.Backends.WalFlushMean,8:0.00} {(r.PostgresCpuSeconds is { } pg ? (pg / r.Seconds).ToString("0.00", CultureInfo.InvariantCulture) : "-"),8} " +
            $"{(r.PostgresCpuMsPerSymbol is { } ms ? ms.ToString("0.00", CultureInfo.InvariantCulture) : "-"),9} {r.ReplicaCpuTotal / r.Seconds,10:0.00} " +
            $"{r.SimulatorCpuSeconds / r.Seconds,9:0.00}  {r.LoadBefore} -> {r.LoadAfter}"))));

    private static string FormatCpu(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s CPU") : "CPU not visible";

    private static string FormatPerSymbol(double? ms) => ms is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:0.00} ms") : "-";
}
