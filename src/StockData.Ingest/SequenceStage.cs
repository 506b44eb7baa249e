using StockData.Core;

namespace StockData.Ingest;

/// <summary>
/// The sequence stage (one item at a time, parts in order): turns parsed parts into chunks with offsets running across
/// the fetch's parts (the writer's ordering gate needs them contiguous); a chunk is a slice over the parser's bar list,
/// never a copy. A fetch's first failing part becomes its one failure item; what follows it is dropped (the fetch can
/// no longer complete, so its watermark must not move). Its items are counted in by the batch stage's meter.
/// </summary>
internal sealed class SequenceStage
{
    private readonly StageMeter _batchMeter = StageMeter.Batch;

    public IEnumerable<BatchItem> Sequence(ParsedPart parsed)
    {
        var fetch = parsed.Part.Fetch;
        if (fetch.Failed)
        {
            if (parsed.Failure is null)
            {
                // Parsed fine, but an earlier part of its fetch failed: its rows could not commit in order, so the
                // batch stage drops them (a part that failed itself was counted by the parse stage).
                _batchMeter.In();
                _batchMeter.Failed();
            }

            return [];
        }

        if (parsed.Failure is { } failure)
        {
            // The fetch's first failure (its parts arrive in order, one at a time): the only one sent on.
            fetch.Failed = true;
            return [new BatchItem(fetch, null, failure)];
        }

        var result = parsed.Result!;
        if (result.Metadata is { } metadata)
        {
            // The last response's metadata wins: it carries the freshest trading period.
            fetch.Metadata = metadata;
        }

        var plan = fetch.Plan!;
        var isLast = parsed.Part.IsLastPart;
        var offset = fetch.NextOffset;
        fetch.NextOffset = offset + result.Bars.Count;
        var events = FetchEvents.From(result);
        // A part without bars still carries its metadata and events, and the last part must end the fetch.
        if (result.Bars.Count == 0 && !isLast && events.IsEmpty)
        {
            return [];
        }

        _batchMeter.In();
        var chunk = new FetchChunk(plan.FetchId, fetch.Request.Symbol, fetch.Request.Interval, plan.IsFullHistory, offset,
            new BarSlice(result.Bars), isLast, events);
        return [new BatchItem(fetch, chunk, null, isLast ? fetch.Metadata : null)];
    }
}
