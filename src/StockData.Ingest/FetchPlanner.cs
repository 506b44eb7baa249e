using Microsoft.Extensions.Options;
using StockData.Core;
using StockData.Storage.Postgres;
using StockData.Yahoo.Client;

namespace StockData.Ingest;

/// <summary>
/// Decides what to ask Yahoo for: from the watermark minus an overlap (to pick up Yahoo's revisions), the whole history
/// when nothing is stored or a split/dividend made a full re-fetch pending, or exactly the forced range.
/// </summary>
public sealed class FetchPlanner(SymbolStateReader states, FetchIdSequence fetchIds, IOptions<IngestOptions> options, TimeProvider time)
{
    /// <summary>1900-01-01: Yahoo's "max" start; negative epochs reach history before 1970.</summary>
    public static readonly DateTimeOffset FullHistoryStart = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);

    private readonly YahooRequestPlanner _intraday = new(time);

    public async Task<FetchPlan> PlanAsync(SymbolRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var to = request.To is { } end && end < now ? end : now;
        DateTimeOffset from;
        var full = false;
        if (request.From is { } forced)
        {
            from = forced;
        }
        else
        {
            var state = await states.GetAsync(request.Symbol, request.Interval, cancellationToken);
            if (state.Watermark is { } watermark && !state.FullRefetchPending)
            {
                from = watermark - Overlap(request.Interval);
            }
            else
            {
                full = true;
                from = request.Interval.IsDailyOrLonger ? FullHistoryStart : _intraday.EarliestStart(request.Interval) ?? FullHistoryStart;
            }

            // An incremental intraday fetch never asks beyond Yahoo's window: what is older is gone from Yahoo anyway.
            // (A minute of slack: the planner checks the window against its own, slightly later, now.)
            if (request.Interval.IsIntraday && _intraday.EarliestStart(request.Interval) is { } earliest && from < earliest + Slack)
            {
                from = earliest + Slack;
            }
        }

        if (from > to)
        {
            from = to;
        }

        var parts = request.Interval.IsDailyOrLonger || from == to
            ? [YahooChartRequest.ForPeriod(request.Symbol, request.Interval, from, to)]
            : _intraday.Plan(request.Symbol, request.Interval, from, to);
        return new FetchPlan(request, fetchIds.Next(), full, parts);
    }

    /// <summary>The overlap in time: OverlapBars bars, counted generously for daily bars (weekends and holidays).</summary>
    private TimeSpan Overlap(BarInterval interval)
    {
        var bars = options.Value.OverlapBars;
        return interval.IsDailyOrLonger
            ? TimeSpan.FromTicks(interval.Nominal.Ticks * bars * 7 / 5) + TimeSpan.FromDays(3)
            : TimeSpan.FromTicks(interval.Nominal.Ticks * bars);
    }
}
