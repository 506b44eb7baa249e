namespace StockData.Pipeline.Jobs;

/// <summary>
/// A job as JSON (<see cref="JobJson"/>): <c>id</c>, <c>status</c>, <c>priority</c>, <c>interval</c>, <c>from</c>,
/// <c>to</c>, <c>progress</c>, <c>items</c> by status, <c>failures</c> by error category, and the timestamps.
/// Times are UTC <see cref="DateTime"/>s so they read <c>…Z</c> (ISO-8601), as clients parse them.
/// </summary>
internal sealed record JobDocument(
    long Id,
    string Status,
    string Priority,
    string Interval,
    DateTime? From,
    DateTime? To,
    JobProgress Progress,
    OrderedDictionary<string, int> Items,
    OrderedDictionary<string, int> Failures,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FinishedAt);

/// <summary>Items that will not run again (<c>finished</c>) of all the job's items (<c>total</c>).</summary>
internal sealed record JobProgress(int Finished, int Total);

/// <summary><c>GET /jobs</c>: the newest jobs first, each as <see cref="JobDocument"/>.</summary>
internal sealed record JobListDocument(IReadOnlyList<JobDocument> Jobs);
