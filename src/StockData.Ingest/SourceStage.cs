using System.Threading.Tasks.Dataflow;
using StockData.Core;

namespace StockData.Ingest;

/// <summary>
/// The source stage: reads the requests, plans each one (its watermark read, the split into parts) and sends the
/// parts to the fetch block, waiting for room (backpressure reaches the source here). A request the planner refuses
/// is sent on as a refused part, so its failure is recorded where every failure is: the write stage.
/// </summary>
internal sealed class SourceStage(FetchPlanner planner, IngestStats stats, CancellationToken abortToken)
{
    private readonly StageMeter _meter = StageMeter.Source;

    // The stage's backlog: fetch parts planned but not yet accepted by the fetch block (above zero while backpressure
    // holds the source). The source itself is an async stream with no input buffer to count.
    private int _pending;

    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Feeds <paramref name="target"/> until the source ends, a stop or an abort, or the target declines.</summary>
    public async Task FeedAsync(IAsyncEnumerable<SymbolRequest> source, ITargetBlock<FetchPart> target, CancellationToken stopToken)
    {
        using var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(stopToken, abortToken);
        try
        {
            await foreach (var request in source.WithCancellation(stopOrAbort.Token))
            {
                // An iterator over a buffered file never looks at the token itself: check it per item.
                stopOrAbort.Token.ThrowIfCancellationRequested();
                stats.SymbolRead();
                var parts = await PlanAsync(request);
                Volatile.Write(ref _pending, parts.Count);
                for (var i = 0; i < parts.Count; i++)
                {
                    // A send blocked by backpressure gives way to a stop too (a fetch cut short here never
                    // completes, so its watermark stays where its committed rows put it).
                    if (!await target.SendAsync(parts[i], stopOrAbort.Token))
                    {
                        return; // the graph is shutting down (fatal failure)
                    }

                    Volatile.Write(ref _pending, parts.Count - i - 1);
                }
            }
        }
        catch (OperationCanceledException) when (stopOrAbort.IsCancellationRequested)
        {
            // Stop requested: the source closes, the graph drains what it holds.
        }
        finally
        {
            // Parts a stop or a fatal failure left unsent are never sent: they are no backlog.
            Volatile.Write(ref _pending, 0);
        }
    }

    private async Task<IReadOnlyList<FetchPart>> PlanAsync(SymbolRequest request)
    {
        _meter.In();
        // The stage's duration is planning one request, not the wait for the next request nor for room in the fetch
        // queue: those are idle time and backpressure, which the queue-depth gauges show.
        var started = StageMeter.Start();
        FetchPlan plan;
        try
        {
            plan = await planner.PlanAsync(request, abortToken);
        }
        catch (ArgumentException ex)
        {
            // A bad symbol or range: the request can never succeed, so it is a bad request, not a retry.
            _meter.Failed();
            var refused = new FetchFailure(FetchErrorCategory.BadRequest.ToName(), ex.Message, FetchErrorCategory.BadRequest);
            return [new FetchPart(new FetchTicket(request, null), 0, true, null, refused)];
        }
        finally
        {
            _meter.Elapsed(started);
        }

        _meter.Out();
        var ticket = new FetchTicket(request, plan);
        var parts = new FetchPart[plan.Parts.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = new FetchPart(ticket, i, i == parts.Length - 1, plan.Parts[i]);
        }

        return parts;
    }
}
