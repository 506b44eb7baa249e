namespace StockData.Pipeline.Http;

/// <summary>How a refresh ended: stored up to now, or the reject category (as in fetch_rejects) and its detail.</summary>
internal sealed record RefreshOutcome(bool Succeeded, string? Category, string? Detail)
{
    /// <summary>The category of a refresh that could not run because the store is unreachable.</summary>
    public const string StoreUnavailable = "store_unavailable";

    public static RefreshOutcome Ok { get; } = new(true, null, null);

    public static RefreshOutcome Failed(string category, string? detail) => new(false, category, detail);
}
