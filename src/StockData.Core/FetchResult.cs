namespace StockData.Core;

/// <summary>Why an input row did not become a bar (rules R2, R3, R6, R7, R8), spelled as in the contract.</summary>
public static class DropReasons
{
    public const string AllNull = "all_null";
    public const string PartialNull = "partial_null";
    public const string NonFinite = "non_finite";
    public const string AllZero = "all_zero";
    public const string DuplicateTimestamp = "duplicate_timestamp";
    public const string SupersededSameDayLiveBar = "superseded_same_day_live_bar";
    public const string LivePartialInterval = "live_partial_interval";
    public const string AfterPeriod2 = "after_period2";
}

/// <summary>An input row that was not ingested: its index in the body's arrays, its timestamp and one reason.</summary>
public readonly record struct DroppedRow(int Index, long Timestamp, string Reason);

/// <summary>A classified upstream failure; <see cref="RetryAfter"/> only for rate_limited with a Retry-After header.</summary>
public sealed record FetchError(FetchErrorCategory Category, TimeSpan? RetryAfter, string Message);

/// <summary>
/// The parsed result of one chart response: either data (possibly empty) or exactly one <see cref="Error"/>.
/// </summary>
public sealed record FetchResult(
    string Symbol,
    BarInterval Interval,
    SymbolMetadata? Metadata,
    IReadOnlyList<Bar> Bars,
    IReadOnlyList<Dividend> Dividends,
    IReadOnlyList<Split> Splits,
    IReadOnlyList<CapitalGain> CapitalGains,
    IReadOnlyList<DroppedRow> DroppedRows,
    FetchError? Error)
{
    public bool IsSuccess => Error is null;

    public static FetchResult Failed(string symbol, BarInterval interval, FetchError error) =>
        new(symbol, interval, null, [], [], [], [], [], error);
}
