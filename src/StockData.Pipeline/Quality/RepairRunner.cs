using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Ingest;
using StockData.Storage.Postgres.Jobs;
using StockData.Storage.Postgres.Quality;

namespace StockData.Pipeline.Quality;

/// <summary>
/// <c>stockdata quality repair</c> without a daemon: scan, then run every pending repair item through the ingest
/// pipeline itself, and scan again (which settles those fetches and enqueues what still lacks its data), until no
/// repair is left to run. Each gap takes at most <see cref="QualityOptions.MaxAttempts"/> fetches, so the rounds end.
/// </summary>
internal sealed class RepairRunner(
    QualityScanner scanner,
    QualityReader reader,
    JobItemLeases items,
    IngestPipeline pipeline,
    IOptions<QualityOptions> options,
    TimeProvider time,
    ILogger<RepairRunner> logger)
{
    private const int ClaimBatch = 16;
    private static readonly TimeSpan OthersPoll = TimeSpan.FromSeconds(1);
    private static readonly int AbandonAfter = new Daemon.DaemonOptions().JobItemMaxAttempts;

    private readonly QualityOptions _options = options.Value;

    public async Task<RepairOutcome> RunAsync(Action<string> progress, CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var owner = $"quality-repair-{Environment.MachineName}-{Environment.ProcessId}";
        // Every gap needs at most MaxAttempts fetches; rounds beyond that cover what repairs reveal (a dividend step a
        // filled date uncovers, a flagged range's one re-fetch).
        var maxRounds = (_options.MaxAttempts + 1) * 2;
        int found = 0, repaired = 0, confirmed = 0, done = 0, failed = 0, rounds = 0;
        var finished = false;
        while (rounds < maxRounds && !stop.IsCancellationRequested)
        {
            var scan = await scanner.ScanAsync(_options.Rules, time.GetUtcNow(), stop);
            if (!scan.Ran)
            {
                progress("another process is scanning; waiting for it");
                await Task.Delay(OthersPoll, time, stop);
                continue;
            }

            rounds++;
            found += scan.GapsFound;
            repaired += scan.Repaired;
            confirmed += scan.ConfirmedMissing;
            progress($"round {rounds}: {scan.GapsFound} new gaps, {scan.Repaired} repaired, {scan.ConfirmedMissing} confirmed missing, " +
                     $"{scan.ItemsEnqueued} repair fetches enqueued");
            if (await reader.RepairItemsAsync(stop) == (0, 0))
            {
                finished = true;
                break;
            }

            // Leases of a repair process that died go back to pending (or fail as abandoned), as the daemon does.
            await items.ReclaimExpiredAsync(time.GetUtcNow(), AbandonAfter, stop);
            var callbacks = new RepairCallbacks(owner, items, time, logger);
            await pipeline.RunAsync(ClaimAsync(owner, stop), new IngestStats(), callbacks, stop, abort);
            done += callbacks.Done;
            failed += callbacks.Failed;
            // Items another process (a running daemon) holds: the next scan must see them finished to settle them.
            while (!stop.IsCancellationRequested)
            {
                var (pending, running) = await reader.RepairItemsAsync(stop);
                if (pending > 0 || running == 0)
                {
                    break;
                }

                await Task.Delay(OthersPoll, time, stop);
            }
        }

        return new RepairOutcome(rounds, found, repaired, confirmed, done, failed, await reader.CountsAsync(CancellationToken.None), finished);
    }

    /// <summary>Claims pending repair items a few at a time, as the pipeline pulls, until none is left.</summary>
    private async IAsyncEnumerable<SymbolRequest> ClaimAsync(string owner, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var claimed = await items.ClaimAsync(owner, JobPriority.Low, JobPriority.Low, ClaimBatch, now, now + _options.RepairLease,
                cancellationToken);
            if (claimed.Count == 0)
            {
                yield break;
            }

            foreach (var item in claimed)
            {
                yield return new SymbolRequest(item.Symbol, BarInterval.Parse(item.Interval), item.From, item.To, item.Id,
                    item.Purpose ?? RequestPurpose.Repair);
            }
        }
    }
}
