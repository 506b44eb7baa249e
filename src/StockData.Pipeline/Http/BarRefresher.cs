using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Pipeline.Daemon;
using StockData.Diagnostics;
using StockData.Ingest;
using StockData.Storage.Postgres.Universe;
using StockData.Yahoo;

namespace StockData.Pipeline.Http;

/// <summary>
/// Brings one symbol-interval up to date for <c>GET /bars?refresh=true</c>, through the same pipeline (fetch service,
/// parser, writer) as everything else. Concurrent refreshes of one symbol share one fetch: a per-process single-flight
/// keyed like the response cache (<c>symbol|interval|period1|period2|events</c>, period1 aligned down to the
/// interval, a period2 at or after now written <c>open</c>), so a hundred clients asking at once cause one upstream
/// request. The cache, when it lands, takes over the "soon after" case; this covers the "at once" case.
/// </summary>
internal sealed class BarRefresher(
    IngestPipeline pipeline,
    FetchPlanner planner,
    IOptions<YahooOptions> yahoo,
    ScheduleLeases schedule,
    RefreshSchedule policy,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<BarRefresher> logger)
{
    /// <summary>A period2 this close to now counts as "open" (the planner read its own, slightly earlier, now).</summary>
    private static readonly TimeSpan OpenSlack = TimeSpan.FromMinutes(1);

    private readonly SingleFlight<string, RefreshOutcome> _flights = new();

    public async Task<RefreshOutcome> RefreshAsync(string symbol, BarInterval interval, CancellationToken cancellationToken)
    {
        var request = new SymbolRequest(symbol, interval, Purpose: RequestPurpose.Refresh);
        var plan = await planner.PlanAsync(request, cancellationToken);
        var key = Key(plan, time.GetUtcNow(), yahoo.Value.Events);
        return await _flights.RunAsync(key, () => FetchAsync(request), cancellationToken);
    }

    /// <summary>The single-flight key of a plan: its parts' keys, in order.</summary>
    public static string Key(FetchPlan plan, DateTimeOffset now, string events) => string.Join(';', plan.Parts.Select(part =>
    {
        var period1 = part.Period1 is { } start ? AlignDown(start, part.Interval).ToString(CultureInfo.InvariantCulture) : part.Range ?? "";
        var period2 = part.Period2 is { } end && end < now - OpenSlack ? end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "open";
        return $"{part.Symbol}|{part.Interval.Token}|{period1}|{period2}|{events}";
    }));

    private static long AlignDown(DateTimeOffset time, BarInterval interval)
    {
        var seconds = time.ToUnixTimeSeconds();
        var step = (long)interval.Nominal.TotalSeconds;
        return seconds - (((seconds % step) + step) % step);
    }

    private async Task<RefreshOutcome> FetchAsync(SymbolRequest request)
    {
        var callbacks = new RefreshCallbacks();
        try
        {
            await RunOnceAsync(request, callbacks);
            if (callbacks.Outcome is { Succeeded: true } && callbacks.FullRefetchPending)
            {
                // A split or dividend newer than the stored history: Yahoo back-adjusted it, so the stored history is
                // stale. The planner now sees the pending flag and asks for the whole history.
                callbacks = new RefreshCallbacks();
                await RunOnceAsync(request, callbacks);
            }
        }
        catch (IngestFatalException ex)
        {
            return RefreshOutcome.Failed(RefreshOutcome.StoreUnavailable, ex.Message);
        }

        var outcome = callbacks.Outcome ?? RefreshOutcome.Failed("stopped", "the worker is stopping");
        if (!outcome.Succeeded)
        {
            PipelineLog.RefreshFailed(logger, request.Symbol, request.Interval.Token, outcome.Category!, outcome.Detail ?? "");
            return outcome;
        }

        try
        {
            // A scheduled symbol that is now up to date can skip its scheduled fetch until the next session.
            var now = time.GetUtcNow();
            var next = policy.AfterSuccess(request.Interval, callbacks.Metadata?.RegularSessionEnd, callbacks.Metadata?.ExchangeTimezone);
            await schedule.RescheduleAfterFetchAsync(request.Symbol, request.Interval.Token, next, now, lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The bars are stored; only the schedule missed the news, which costs one extra scheduled fetch.
            PipelineLog.OutcomeNotRecorded(logger, request.Symbol, request.Interval.Token, ex.Message);
        }

        return outcome;
    }

    private Task RunOnceAsync(SymbolRequest request, RefreshCallbacks callbacks) =>
        pipeline.RunAsync(new[] { request }.ToAsyncEnumerable(), new IngestStats(), callbacks, lifetime.ApplicationStopping,
            CancellationToken.None);
}
