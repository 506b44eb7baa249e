namespace StockData.Yahoo.Parsing;

/// <summary>
/// One entry of <c>events.dividends</c>, <c>splits</c> or <c>capitalGains</c> as read, before its ex-date is known
/// (the exchange time zone may come later in the body). <see cref="First"/> is the amount or the split numerator,
/// <see cref="Second"/> the split denominator.
/// </summary>
public readonly record struct RawEvent(long Date, double First, double Second);
