using StockData.Core;
using StockData.Yahoo.Client;

namespace StockData.Ingest;

/// <summary>One request of a fetch plan, on its way to the fetch stage.</summary>
public sealed record FetchPart(FetchPlan Plan, int Index, bool IsLastPart, YahooChartRequest Request);

/// <summary>A fetched response (owning its pooled body until parsed), or why there is none.</summary>
public sealed record FetchedPart(FetchPart Part, YahooResponse? Response, FetchError? Error);

/// <summary>A parsed part: its result, or a failure that ends the fetch.</summary>
public sealed record ParsedPart(FetchPart Part, FetchResult? Result)
{
    public bool Failed => Result is null;
}
