using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Diagnostics;
using StockData.Storage;
using StockData.Storage.Postgres.Budget;
using StockData.Upstream.Redis;
using StockData.Yahoo;
using StockData.Yahoo.Egress;

namespace StockData.Upstream.Budget;

/// <summary>
/// Counts every chart request sent upstream by purpose: at once in <c>/metrics</c>, and per minute in memory until
/// <see cref="FlushAsync"/> adds them to the store's ledger (the daemon every <see cref="FlushInterval"/>, a CLI verb
/// when its host is disposed), so <c>stockdata budget</c> sees every replica's and every run's spend. A verb run without
/// a database (<c>yahoo fetch</c> with no connection string) keeps its counts in <c>/metrics</c> only.
/// </summary>
public sealed class UpstreamRequestCounter(IServiceProvider services, IOptions<StorageOptions> storage, IOptions<RateLimitOptions> rateLimit,
    IOptions<YahooOptions> yahoo, TimeProvider time, ILogger<UpstreamRequestCounter> logger) : IDisposable
{
    /// <summary>How often the daemon writes its counts (a lost process loses at most this much of its spend).</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long the ledger keeps counts (the budget reads one day; a week shows trends in SQL).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(8);

    private static readonly TimeSpan DisposeFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _flushing = new(1, 1);

    // Resolved now, not at the flush: a CLI verb's last flush runs while its container is being disposed.
    private readonly RequestLedger? _ledger = string.IsNullOrEmpty(storage.Value.PostgresConnectionString)
        ? null
        : services.GetRequiredService<RequestLedger>();
    private ConcurrentDictionary<(string Egress, string Purpose, DateTimeOffset Minute), long> _pending = new();

    // With a pool, each request is booked to the egress it went through (the attempt's EgressScope); without one, to
    // the limiter's EgressId as always, so the ledger's names do not change on an upgrade.
    private readonly bool _pooled = yahoo.Value.Egress.Count > 0;

    /// <summary>The egress the counts of a service without an egress pool are booked to: the limiter's <c>EgressId</c>, or <c>default</c>.</summary>
    public string Egress { get; } = EgressOf(rateLimit.Value);

    public static string EgressOf(RateLimitOptions options) => string.IsNullOrEmpty(options.EgressId) ? "default" : options.EgressId;

    /// <summary>
    /// The egresses a budget is planned over: the configured pool's ids (the router spreads the requests over them), or
    /// the one egress of a service without a pool.
    /// </summary>
    public static IReadOnlyList<string> PlannedEgresses(RateLimitOptions rateLimit, YahooOptions yahoo) =>
        yahoo.Egress.Count > 0 ? yahoo.Egress.Select(e => e.Id).ToList() : [EgressOf(rateLimit)];

    /// <summary>One request sent for <paramref name="purpose"/>, through the current flow's egress.</summary>
    public void Count(string purpose)
    {
        PipelineMetrics.UpstreamRequestsByPurpose.WithLabels(purpose).Inc();
        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var egress = _pooled && EgressScope.Current is { } id ? id : Egress;
        Volatile.Read(ref _pending).AddOrUpdate((egress, purpose, minute), 1, (_, n) => n + 1);
    }

    /// <summary>Adds what was counted since the last flush to the ledger; on failure keeps it for the next one.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            if (_ledger is null)
            {
                return;
            }

            var taken = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<(string, string, DateTimeOffset), long>());
            if (taken.IsEmpty)
            {
                return;
            }

            // A Count racing the swap may still add to the old dictionary; it is read after the swap, so that count is kept.
            await Task.Yield();
            var counts = taken.Select(p => (Egress: p.Key.Item1, Purpose: p.Key.Item2, Minute: p.Key.Item3, Requests: p.Value)).ToList();
            try
            {
                await _ledger.AddAsync(counts, cancellationToken);
            }
            catch (Exception ex)
            {
                // Whatever the store's trouble (down, not migrated yet), the counts wait for the next flush: the
                // budget must never stop a fetch, a daemon or a verb's exit.
                foreach (var (egress, purpose, minute, requests) in counts)
                {
                    Volatile.Read(ref _pending).AddOrUpdate((egress, purpose, minute), requests, (_, n) => n + requests);
                }

                PipelineLog.RequestCountsNotWritten(logger, counts.Sum(c => c.Requests), ex.Message);
                if (ex is OperationCanceledException)
                {
                    throw;
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>A CLI verb's counts go to the ledger when its host is disposed (bounded: a dead store does not hang the exit).</summary>
    public void Dispose()
    {
        try
        {
            using var timeout = new CancellationTokenSource(DisposeFlushTimeout);
            FlushAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Logged by FlushAsync (or the host is already torn down); the counts stay in /metrics.
        }

        _flushing.Dispose();
    }
}
