namespace StockData.Ingest;

/// <summary>
/// The batch stage: groups items into batches of the writer's batch size in rows, or fewer once the first row has
/// waited the maximum batch age (<see cref="SizeOrAgeBatcher{T}"/>). A failure item weighs nothing and rides along with
/// whatever batch is forming; a batch's age is the stage's duration.
/// </summary>
internal static class BatchStage
{
    public static SizeOrAgeBatcher<BatchItem> Create(int batchSize, IngestOptions options, TimeProvider time) =>
        new(batchSize, options.MaxBatchAge, options.BatchQueueCapacity, options.WriteQueueCapacity,
            item => item.RowCount, (item, rows) => item.Split(rows), time, StageMeter.Batch.Duration);
}
