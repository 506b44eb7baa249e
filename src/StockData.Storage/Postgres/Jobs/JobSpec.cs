namespace StockData.Storage.Postgres.Jobs;

/// <summary>A job's own settings: its priority and the defaults its items were submitted with.</summary>
public sealed record JobSpec(JobPriority Priority, string Interval, DateTimeOffset? From, DateTimeOffset? To);
