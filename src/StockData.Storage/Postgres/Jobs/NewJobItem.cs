namespace StockData.Storage.Postgres.Jobs;

/// <summary>One symbol-interval of a job being submitted, with its range (null: from the watermark / up to now).</summary>
public sealed record NewJobItem(string Symbol, string Interval, DateTimeOffset? From, DateTimeOffset? To);
