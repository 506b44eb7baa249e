using StockData.Core;

namespace StockData.Pipeline.Daemon;

/// <summary>A lease this replica holds: a scheduled symbol-interval, or a job item (<see cref="SymbolRequest.JobItemId"/> set).</summary>
/// <param name="Request">What the pipeline is asked to fetch.</param>
/// <param name="ExchangeTimezone">The exchange zone the store knew at claim time (scheduled work), for the refresh schedule.</param>
/// <param name="JobId">The job of a job item; null for scheduled work.</param>
internal sealed record HeldWork(SymbolRequest Request, string? ExchangeTimezone, long? JobId);
