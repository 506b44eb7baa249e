using StockData.Core;
using StockData.Upstream.Caching;
using StockData.Diagnostics;
using StockData.Yahoo.Parsing;

namespace StockData.Ingest;

/// <summary>
/// The parse stage (parallel): one response body into bars, metadata and events, or the failure that ends its fetch.
/// It records nothing: a failure rides on the message to the write stage, which records every reject once.
/// </summary>
internal sealed class ParseStage(SymbolMetadataCache metadataCache)
{
    private readonly StageMeter _meter = StageMeter.Parse;

    public ParsedPart Parse(FetchedPart fetched)
    {
        var part = fetched.Part;
        if (part.Refused is { } refused)
        {
            return new ParsedPart(part, null, refused);
        }

        _meter.In();
        var started = StageMeter.Start();
        var request = part.Fetch.Request;
        FetchResult result;
        if (fetched.Response is { } response)
        {
            using (response)
            {
                var status = (int)response.StatusCode;
                result = ChartParser.Parse(response.Body.Span, new ChartResponseInfo(status)
                {
                    ContentType = response.ContentType,
                    Symbol = request.Symbol,
                    Interval = request.Interval,
                    Period2 = part.Request!.Period2?.ToUnixTimeSeconds(),
                    RetryAfter = response.RetryAfter,
                });
                PipelineMetrics.UpstreamResponses.WithLabels(PipelineMetrics.StatusClass(status),
                    result.Error?.Category.ToName() ?? "none").Inc();
            }
        }
        else
        {
            result = FetchResult.Failed(request.Symbol, request.Interval, fetched.Error!);
        }

        _meter.Elapsed(started);
        if (result.Error is { } error)
        {
            // Only a response counts as a parse failure: a part that failed at fetch passes through here, already
            // counted by the fetch stage.
            if (fetched.Response is not null)
            {
                _meter.Failed();
            }

            return new ParsedPart(part, null, FetchFailure.From(error));
        }

        _meter.Out();
        if (result.Metadata is { } meta)
        {
            // Free warm-up of the metadata LRU: the scheduler then finds this symbol without a query.
            metadataCache.Remember(request.Symbol, meta);
        }

        return new ParsedPart(part, result, null);
    }
}
