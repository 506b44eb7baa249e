namespace StockData.Storage.Postgres.Jobs;

/// <summary>A job item this replica now leases (status running); <see cref="Purpose"/> set by the quality scan for its items.</summary>
public sealed record ClaimedJobItem(
    long Id,
    long JobId,
    string Symbol,
    string Interval,
    DateTimeOffset? From,
    DateTimeOffset? To,
    JobPriority Priority,
    string? Purpose = null);
