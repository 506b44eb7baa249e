using StockData.Core;
using StockData.Yahoo.Client;

namespace StockData.Ingest;

/// <summary>
/// The requests that fetch one symbol and interval: one for daily and longer, several for a long intraday range
/// (Yahoo's per-request limits), fetched and written in order as one fetch.
/// </summary>
/// <param name="IsFullHistory">The whole history was asked for (nothing stored yet, or a full re-fetch is owed).</param>
public sealed record FetchPlan(SymbolRequest Request, long FetchId, bool IsFullHistory, IReadOnlyList<YahooChartRequest> Parts);
