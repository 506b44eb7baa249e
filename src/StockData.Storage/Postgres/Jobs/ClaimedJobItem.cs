namespace StockData.Storage.Postgres.Jobs;

/// <summary>A job item this replica now leases (status running).</summary>
public sealed record ClaimedJobItem(
    long Id,
    long JobId,
    string Symbol,
    string Interval,
    DateTimeOffset? From,
    DateTimeOffset? To,
    JobPriority Priority);
