namespace StockData.Core;

/// <summary>
/// One unit of work for the fetch stage: a symbol, an interval and an optional range (null = from the watermark,
/// or the whole history when nothing is stored). <see cref="JobItemId"/> links it to a submitted fetch job;
/// <see cref="Purpose"/> (a <see cref="RequestPurpose"/> value) is what its upstream requests count against.
/// </summary>
public sealed record SymbolRequest(
    string Symbol,
    BarInterval Interval,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? JobItemId = null,
    string? Purpose = null);
