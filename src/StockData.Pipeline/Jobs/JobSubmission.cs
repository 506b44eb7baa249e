using StockData.Storage.Postgres.Jobs;

namespace StockData.Pipeline.Jobs;

/// <summary>A validated job, ready to record: its settings and its items (distinct symbol-intervals).</summary>
internal sealed record JobSubmission(JobSpec Spec, IReadOnlyList<NewJobItem> Items);
