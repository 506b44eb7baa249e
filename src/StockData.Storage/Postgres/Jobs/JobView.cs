namespace StockData.Storage.Postgres.Jobs;

/// <summary>A job as <c>jobs show</c> and <c>GET /jobs/{id}</c> present it.</summary>
/// <param name="ItemsByStatus">Item counts by status (pending, running, done, failed, cancelled); absent statuses are 0.</param>
/// <param name="FailuresByCategory">Failed items by error category (not_found, server_error, …).</param>
public sealed record JobView(
    long Id,
    string Status,
    JobPriority Priority,
    string Interval,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Total,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, int> ItemsByStatus,
    IReadOnlyDictionary<string, int> FailuresByCategory)
{
    /// <summary>The item statuses, in the order they are shown.</summary>
    public static readonly IReadOnlyList<string> ItemStatuses = ["pending", "running", "done", "failed", "cancelled"];

    public int Count(string status) => ItemsByStatus.TryGetValue(status, out var count) ? count : 0;

    /// <summary>Items that will not run again (done, failed or cancelled).</summary>
    public int Finished => Count("done") + Count("failed") + Count("cancelled");
}
