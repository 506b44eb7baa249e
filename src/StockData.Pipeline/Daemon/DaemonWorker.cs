using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Ingest;
using StockData.Storage.Postgres.Jobs;
using StockData.Storage.Postgres.Universe;

namespace StockData.Pipeline.Daemon;

/// <summary>
/// The hosted worker of <c>stockdata run</c>: claims due symbols and job items under leases, feeds them through the
/// same ingest pipeline as <c>replay</c> (a long-lived, channel-backed source), renews its leases while the work is in
/// flight, and on stop drains what is in flight and gives back every lease it still holds.
/// </summary>
/// <remarks>
/// A fatal pipeline failure (PostgreSQL unreachable past the writer's retries) does not end the process: the status
/// turns to stopped (so <c>/readyz</c> answers 503), the leases are left to expire, and the pipeline is started again
/// after <see cref="DaemonOptions.RestartDelay"/>. Liveness stays up: restarting the process would not bring the database back.
/// <para>
/// The drain runs in <see cref="StoppingAsync"/>, before any hosted service's StopAsync. Hosted services stop in
/// reverse order and the web host's stops before ours: with the drain in StopAsync, Kestrel had already closed, so
/// <c>/readyz</c> refused connections for the whole drain instead of answering 503
/// (<c>DaemonReadinessTests.Readyz_SigtermWhileDraining_503PipelineStopping_ThenExit0</c>).
/// </para>
/// </remarks>
internal sealed class DaemonWorker(
    IngestPipeline pipeline,
    WorkClaimer claimer,
    ScheduleLeases schedule,
    JobItemLeases jobItems,
    RefreshSchedule policy,
    LeaseBook book,
    DaemonState state,
    IOptions<DaemonOptions> options,
    TimeProvider time,
    ILogger<DaemonWorker> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly DaemonOptions _options = options.Value;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops claiming and drains while the HTTP server still answers (see the remarks); StopAsync then finds it done.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            state.Set(DaemonStatus.Disabled);
            return;
        }

        // Let the host finish starting (Kestrel bound, "listening" logged) before the first claim.
        await Task.Yield();
        var owner = _options.EffectiveReplicaId;
        PipelineLog.DaemonStarted(logger, owner, _options.LeaseDuration, _options.RenewInterval, _options.MaxLeases, _options.PollInterval);
        using var stopping = stoppingToken.Register(() => state.Set(DaemonStatus.Stopping));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPipelineAsync(owner, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is IngestFatalException or NpgsqlException or TimeoutException)
            {
                state.Set(DaemonStatus.Stopped, ex.Message);
                PipelineLog.PipelineStopped(logger, ex.Message, _options.RestartDelay, ex);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(_options.RestartDelay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task RunPipelineAsync(string owner, CancellationToken stoppingToken)
    {
        // Anything this replica id holds now was left by an earlier process under the same id (a restarted container
        // keeps its host name): nothing of it is in flight here.
        var now = time.GetUtcNow();
        var staleIntervals = await schedule.ReleaseAllAsync(owner, now, stoppingToken);
        var staleItems = await jobItems.ReleaseAllAsync(owner, now, stoppingToken);
        if (staleIntervals + staleItems > 0)
        {
            PipelineLog.StaleLeasesReleased(logger, staleIntervals, staleItems, owner);
        }

        book.Clear();
        // Bounded for form: the claim loop never holds more than MaxLeases, so a write never waits.
        var channel = Channel.CreateBounded<SymbolRequest>(new BoundedChannelOptions(_options.MaxLeases)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var callbacks = new DaemonCallbacks(owner, book, schedule, jobItems, policy, time, logger);
        using var claiming = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // The pipeline hands its own stop token to the enumerator (WithCancellation); none is needed here.
        var run = pipeline.RunAsync(channel.Reader.ReadAllAsync(CancellationToken.None), new IngestStats(), callbacks, stoppingToken,
            CancellationToken.None);
        state.Set(DaemonStatus.Running);
        var claim = ClaimLoopAsync(owner, channel.Writer, claiming.Token);
        var renew = RenewLoopAsync(owner, claiming.Token);
        try
        {
            await run;
        }
        finally
        {
            await claiming.CancelAsync();
            channel.Writer.TryComplete();
            await Task.WhenAll(Quietly(claim), Quietly(renew));
            await ReleaseEverythingAsync(owner);
        }
    }

    /// <summary>Claims a batch whenever a batch's worth of room is free; otherwise waits for a release or the poll interval.</summary>
    private async Task ClaimLoopAsync(string owner, ChannelWriter<SymbolRequest> writer, CancellationToken token)
    {
        var failing = false;
        while (!token.IsCancellationRequested)
        {
            var released = book.NextReleaseAsync();
            var want = Math.Min(_options.MaxLeases - book.Count, _options.ClaimBatchSize);
            var claimed = 0;
            if (want >= _options.ClaimBatchSize)
            {
                try
                {
                    var work = await claimer.ClaimAsync(owner, want, token);
                    failing = false;
                    PipelineMetrics.LeaseClaimRounds.Inc();
                    PipelineMetrics.LeasesClaimed.Inc(work.Count);
                    foreach (var item in work)
                    {
                        book.Add(item);
                        await writer.WriteAsync(item.Request, token);
                    }

                    claimed = work.Count;
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    // A database outage (or anything else) must not end the loop: the pipeline may still drain, and
                    // claiming resumes by itself once the store answers again.
                    if (!failing)
                    {
                        PipelineLog.ClaimFailed(logger, ex.Message, _options.PollInterval);
                        failing = true;
                    }
                }
            }

            var room = _options.MaxLeases - book.Count >= _options.ClaimBatchSize;
            if (claimed == want && claimed > 0 && room)
            {
                continue; // a full batch came back: more may be due
            }

            // Full: wait for a lease to come back (or the poll interval). Room but nothing due: wait the poll interval.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(token);
            var delay = Task.Delay(_options.PollInterval, time, wake.Token);
            await Task.WhenAny(room ? delay : Task.WhenAny(delay, released));
            await wake.CancelAsync();
            await Quietly(delay);
        }
    }

    /// <summary>Extends the held leases every third of the lease duration; logs any that were lost meanwhile.</summary>
    private async Task RenewLoopAsync(string owner, CancellationToken token)
    {
        var failing = false;
        using var timer = new PeriodicTimer(_options.RenewInterval, time);
        while (await timer.WaitForNextTickAsync(token))
        {
            var keys = book.ScheduledKeys;
            var ids = book.JobItemIds;
            if (keys.Count + ids.Count == 0)
            {
                continue;
            }

            try
            {
                var until = time.GetUtcNow() + _options.LeaseDuration;
                var renewedKeys = await schedule.RenewAsync(owner, keys, until, token);
                var renewedIds = await jobItems.RenewAsync(owner, ids, until, token);
                failing = false;
                PipelineMetrics.LeasesRenewed.Inc(renewedKeys.Count + renewedIds.Count);
                // A lease released between the snapshot and the renewal is not lost: only count what is still held.
                var stillHeld = book.ScheduledKeys.ToHashSet();
                var stillHeldIds = book.JobItemIds.ToHashSet();
                var lost = keys.Count(k => !renewedKeys.Contains(k) && stillHeld.Contains(k)) +
                           ids.Count(i => !renewedIds.Contains(i) && stillHeldIds.Contains(i));
                if (lost > 0)
                {
                    PipelineLog.LeasesLost(logger, lost, keys.Count + ids.Count);
                }
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                if (!failing)
                {
                    PipelineLog.ClaimFailed(logger, ex.Message, _options.RenewInterval);
                    failing = true;
                }
            }
        }
    }

    /// <summary>After the pipeline ended: every lease still ours goes back, due at once for the other replicas.</summary>
    private async Task ReleaseEverythingAsync(string owner)
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var now = time.GetUtcNow();
            var intervals = await schedule.ReleaseAllAsync(owner, now, deadline.Token);
            var items = await jobItems.ReleaseAllAsync(owner, now, deadline.Token);
            PipelineLog.LeasesReleased(logger, intervals, items);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            PipelineLog.ReleaseFailed(logger, ex.Message, _options.LeaseDuration);
        }
        finally
        {
            book.Clear();
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
