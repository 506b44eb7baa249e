using System.Reflection;
using Prometheus;

namespace StockData.Diagnostics;

/// <summary>
/// Every metric name, label and bucket of the service, in one file: the Grafana dashboard, the alert rules and the
/// test that checks the dashboard only queries exported names all depend on it. Prefix <c>stockdata_</c>.
/// </summary>
/// <remarks>Collectors are process-wide (prometheus-net's default registry), so the static instances are shared by
/// every pipeline run in the process; per-replica breakdowns come from Prometheus's <c>instance</c> label.</remarks>
public static class PipelineMetrics
{
    /// <summary>The stage label values, in graph order.</summary>
    public static class Stages
    {
        public const string Source = "source";
        public const string Fetch = "fetch";
        public const string Parse = "parse";
        public const string Batch = "batch";
        public const string Write = "write";
    }

    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.001, 2, 16); // 1 ms … 33 s

    public static readonly Counter StageItemsIn = Metrics.CreateCounter(
        "stockdata_stage_items_in_total", "Items that entered a pipeline stage.", "stage");

    public static readonly Counter StageItemsOut = Metrics.CreateCounter(
        "stockdata_stage_items_out_total", "Items a pipeline stage passed on.", "stage");

    public static readonly Counter StageItemsFailed = Metrics.CreateCounter(
        "stockdata_stage_items_failed_total", "Items a pipeline stage failed on (recorded as rejects, never faulting the graph).", "stage");

    public static readonly Gauge StageQueueDepth = Metrics.CreateGauge(
        "stockdata_stage_queue_depth", "Items waiting in a stage's input buffer (its backlog).", "stage");

    public static readonly Histogram StageDuration = Metrics.CreateHistogram(
        "stockdata_stage_duration_seconds", "Time a stage spent on one item.",
        new HistogramConfiguration { LabelNames = ["stage"], Buckets = LatencyBuckets });

    public static readonly Counter RowsWritten = Metrics.CreateCounter(
        "stockdata_rows_written_total", "Bar rows merged into PostgreSQL, by outcome (inserted, updated, unchanged).", "outcome");

    public static readonly Histogram WriteBatchRows = Metrics.CreateHistogram(
        "stockdata_write_batch_rows", "Rows per write batch.",
        new HistogramConfiguration { Buckets = [1, 10, 100, 500, 1000, 2000, 3000, 4000, 5000, 10000] });

    public static readonly Histogram WriteDuration = Metrics.CreateHistogram(
        "stockdata_write_duration_seconds", "Time to write and commit one batch.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Counter SymbolsProcessed = Metrics.CreateCounter(
        "stockdata_symbols_processed_total", "Symbols finished, by outcome (ok, not_found, failed).", "outcome");

    public static readonly Counter UpstreamRequestsByPurpose = Metrics.CreateCounter(
        "stockdata_upstream_requests_by_purpose_total",
        "Chart requests sent upstream (every attempt that left, none served from the cache), by purpose (schedule, job, " +
        "refresh, repair, verification, replay, other): what the request budget is spent on.",
        "purpose");

    public static readonly Counter UpstreamResponses = Metrics.CreateCounter(
        "stockdata_upstream_responses_total",
        "Upstream chart responses by HTTP status class (2xx, 4xx, 5xx, none) and error category " +
        "(rate_limited, …; none for a usable answer).",
        "status_class", "category");

    public static readonly Histogram RateLimiterWait = Metrics.CreateHistogram(
        "stockdata_ratelimit_wait_seconds", "Time a request waited for a rate-limiter token.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Counter RateLimiterTokens = Metrics.CreateCounter(
        "stockdata_ratelimit_tokens_total", "Rate-limiter acquisitions by result (granted, refused).", "result");

    public static readonly Counter RateLimiterRepaced = Metrics.CreateCounter(
        "stockdata_ratelimit_slots_repaced_total",
        "Rate-limiter slots given up because the caller woke too late for them (a process stall); each request took a new slot.");

    public static readonly Gauge RateLimiterFallback = Metrics.CreateGauge(
        "stockdata_ratelimit_fallback", "1 while the shared Redis bucket is unreachable and the in-process fallback bucket is used.");

    public static readonly Gauge CooldownActive = Metrics.CreateGauge(
        "stockdata_cooldown_active", "1 while the shared 429 cooldown (or the auth cooldown) holds requests back.");

    /// <summary>The <c>result</c> values of <see cref="SessionRefreshes"/>.</summary>
    public static class SessionRefreshResults
    {
        public const string Ok = "ok";
        public const string Failed = "failed";
        public const string Throttled = "throttled";
    }

    public static readonly Counter SessionRefreshes = Metrics.CreateCounter(
        "stockdata_yahoo_session_refreshes_total",
        "Yahoo session refreshes this replica made for an egress: ok, failed, or throttled (getcrumb answered 429 or 'Too Many Requests').",
        "egress", "result");

    public static readonly Gauge SessionAge = Metrics.CreateGauge(
        "stockdata_yahoo_session_age_seconds", "Age of the Yahoo session this replica last used for an egress (0 while it has none).", "egress");

    public static readonly Counter AuthFailures = Metrics.CreateCounter(
        "stockdata_yahoo_auth_failures_total",
        "Chart responses that refused the session, by reason: refused (401/403 naming crumb or cookie, or any 401 with a session), redirected (to consent or login), html_body, unauthorized (401/403 otherwise).",
        "egress", "reason");

    public static readonly Gauge AuthCooldownActive = Metrics.CreateGauge(
        "stockdata_yahoo_auth_cooldown_active", "1 while the fleet's auth cooldown for an egress holds chart requests back (after repeated auth failures).", "egress");

    public static readonly Counter AuthCooldowns = Metrics.CreateCounter(
        "stockdata_yahoo_auth_cooldowns_total", "Auth cooldowns this replica started for an egress.", "egress");

    public static readonly Counter EgressRequests = Metrics.CreateCounter(
        "stockdata_egress_requests_total", "Requests sent to Yahoo through an egress (chart and session requests), by kind: chart or session.", "egress", "kind");

    public static readonly Counter EgressThrottled = Metrics.CreateCounter(
        "stockdata_egress_responses_429_total", "429 answers (and getcrumb's 200 'Too Many Requests') Yahoo gave an egress, by kind: chart or session.", "egress", "kind");

    public static readonly Gauge CircuitState = Metrics.CreateGauge(
        "stockdata_circuit_state", "Upstream circuit breaker: 0 closed, 1 half-open, 2 open.");

    public static readonly Gauge EgressCircuitState = Metrics.CreateGauge(
        "stockdata_egress_circuit_state",
        "Circuit breaker of each egress of the pool: 0 closed, 1 half-open, 2 open (stockdata_circuit_state is the best of them: open only when every egress is).",
        "egress");

    /// <summary>The values of <see cref="CircuitState"/> (Polly's own enum numbers them differently).</summary>
    public const double CircuitClosed = 0;

    public const double CircuitHalfOpen = 1;

    public const double CircuitOpen = 2;

    public static readonly Counter CacheRequests = Metrics.CreateCounter(
        "stockdata_cache_requests_total", "Response and metadata cache look-ups by cache and result (hit, miss, stale).", "cache", "result");

    public static readonly Gauge SymbolsByStatus = Metrics.CreateGauge(
        "stockdata_symbols", "Symbols in the universe by status.", "status");

    public static readonly Gauge JobItemsByStatus = Metrics.CreateGauge(
        "stockdata_job_items", "Fetch job items by status.", "status");

    public static readonly Gauge LeasesHeld = Metrics.CreateGauge(
        "stockdata_leases_held", "Symbol leases this replica holds.");

    public static readonly Counter LeaseTakeovers = Metrics.CreateCounter(
        "stockdata_lease_takeovers_total", "Expired leases of another replica taken over.");

    // Lease traffic, so a capacity measurement (stockdata-bench daemon) and an operator can see what the schedule costs
    // the database per replica: every claim round is a few statements, every renewal round one UPDATE over all leases.
    public static readonly Counter LeaseClaimRounds = Metrics.CreateCounter(
        "stockdata_lease_claim_rounds_total", "Claim rounds this replica ran (each a few claim statements against the schedule and job items).");

    public static readonly Counter LeasesClaimed = Metrics.CreateCounter(
        "stockdata_leases_claimed_total", "Leases this replica claimed: scheduled symbol intervals and job items.");

    public static readonly Counter LeasesRenewed = Metrics.CreateCounter(
        "stockdata_leases_renewed_total", "Leases this replica renewed (a renewal round extends every lease it holds in one statement per kind).");

    // Store-wide "work exists" signal for the no-progress alert (docs/observability.md): overdue lags by design ("well past"), so an
    // alert on it alone would wait that long before it could say the fleet is stuck.
    public static readonly Gauge SymbolsDue = Metrics.CreateGauge(
        "stockdata_symbols_due", "Symbol intervals due now (next_fetch_at at or before now), store-wide.");

    public static readonly Gauge SymbolsOverdue = Metrics.CreateGauge(
        "stockdata_symbols_overdue", "Symbols whose next_fetch_at is well past.");

    // Data quality (docs/data-quality.md): read from the store, like the universe gauges, so every replica
    // reports the same values (take the max) and they survive restarts.
    public static readonly Gauge QualityGaps = Metrics.CreateGauge(
        "stockdata_quality_gaps", "Gaps found in stored history, by kind (bar, dividend) and status (open, repairing, repaired, confirmed_missing).",
        "kind", "status");

    public static readonly Gauge QualitySuspiciousResponses = Metrics.CreateGauge(
        "stockdata_quality_suspicious_responses",
        "Responses that lacked stored bars or events (the stored data stayed), by status (flagged, verifying, verified, persistent).", "status");

    public static readonly Counter QualityScans = Metrics.CreateCounter(
        "stockdata_quality_scans_total", "Quality scans by result (ran, skipped: another process was scanning, failed).", "result");

    // The read replica (ConnectionStrings:PostgresRead; docs/scaling.md, A read replica): set by the serving process that has one.
    public static readonly Counter StoreReads = Metrics.CreateCounter(
        "stockdata_store_reads_total", "Routed reads (bars, catalog, events, export) by the server that answered them (primary, standby).", "target");

    public static readonly Gauge ReplicaLagSeconds = Metrics.CreateGauge(
        "stockdata_replica_lag_seconds", "Replication lag of the read replica: 0 when it has replayed all WAL, else the age of the last transaction it replayed.");

    public static readonly Gauge ReplicaLagBytes = Metrics.CreateGauge(
        "stockdata_replica_lag_bytes", "WAL bytes the primary has inserted that the read replica has not replayed.");

    public static readonly Gauge ReplicaUp = Metrics.CreateGauge(
        "stockdata_replica_up", "1 when the read replica answered its last probe, 0 when reads fall back to the primary.");

    // Intraday partitions (docs/scaling.md, "Partitioned intraday bars and retention"): counted by whichever replica's
    // maintenance run did the work, so dashboards and alerts sum over replicas.
    public static readonly Counter IntradayDefaultRows = Metrics.CreateCounter(
        "stockdata_intraday_default_rows_total",
        "Intraday rows found in an interval's DEFAULT partition (no month partition existed for them) and moved into a new one, by interval.",
        "interval");

    public static readonly Counter IntradayPartitionsCreated = Metrics.CreateCounter(
        "stockdata_intraday_partitions_created_total", "Month partitions of intraday_bars created, by interval.", "interval");

    public static readonly Counter IntradayPartitionsDropped = Metrics.CreateCounter(
        "stockdata_intraday_partitions_dropped_total", "Month partitions of intraday_bars dropped by retention, by interval.", "interval");

    public static readonly Counter IntradayRowsDropped = Metrics.CreateCounter(
        "stockdata_intraday_rows_dropped_total", "Intraday rows removed by retention (whole partitions dropped), by interval.", "interval");

    public static readonly Counter PartitionMaintenanceRuns = Metrics.CreateCounter(
        "stockdata_partition_maintenance_runs_total", "Partition maintenance runs by result (ran, failed).", "result");

    public static readonly Gauge BuildInfo = Metrics.CreateGauge(
        "stockdata_build_info", "Always 1; the labels say which build runs.", "version");

    static PipelineMetrics()
    {
        var version = typeof(PipelineMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
        BuildInfo.WithLabels(version).Set(1);

        // Children exist from start-up at 0, so increase() sees a first failure (it cannot see "no series" → 1).
        foreach (var result in new[] { "ran", "skipped", "failed" })
        {
            QualityScans.WithLabels(result);
        }

        foreach (var result in new[] { "ran", "failed" })
        {
            PartitionMaintenanceRuns.WithLabels(result);
        }

        foreach (var stage in new[] { Stages.Source, Stages.Fetch, Stages.Parse, Stages.Batch, Stages.Write })
        {
            StageItemsIn.WithLabels(stage);
            StageItemsOut.WithLabels(stage);
            StageItemsFailed.WithLabels(stage);
        }
    }

    /// <summary>The status-class label of an HTTP status (0 = no response).</summary>
    public static string StatusClass(int status) => status switch
    {
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "none",
    };
}
