using System.Text.Json;
using StockData.Storage.Postgres.Jobs;

namespace StockData.Pipeline.Jobs;

/// <summary>
/// A job as JSON, written the same by <c>jobs show</c> / <c>jobs submit</c> and by <c>GET /jobs/{id}</c> /
/// <c>POST /jobs</c>: <c>id</c>, <c>status</c>, <c>priority</c>, <c>interval</c>, <c>from</c>, <c>to</c>,
/// <c>progress</c> (<c>finished</c> of <c>total</c>), <c>items</c> by status, <c>failures</c> by error category, and the
/// timestamps (ISO-8601, UTC).
/// </summary>
internal static class JobJson
{
    /// <summary>The job as one indented JSON document (the CLI's output).</summary>
    public static string ToIndentedString(JobView job)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, Document(job), JobJsonContext.Default.JobDocument);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The names of job statuses, as <c>jobs list --status</c> and <c>GET /jobs?status=</c> take them.</summary>
    public static readonly string[] Statuses = ["pending", "running", "done", "failed", "cancelled"];

    /// <summary>How many jobs a list shows at most (the default is 20).</summary>
    public const int MaxListLimit = 10_000;

    /// <summary>The job as the document both write (<see cref="Http.JobResult"/> serializes it compact).</summary>
    public static JobDocument Document(JobView job)
    {
        var items = new OrderedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var status in JobView.ItemStatuses)
        {
            items.Add(status, job.Count(status));
        }

        var failures = new OrderedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (category, count) in job.FailuresByCategory.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            failures.Add(category, count);
        }

        return new JobDocument(job.Id, job.Status, job.Priority.ToName(), job.Interval, job.From?.UtcDateTime, job.To?.UtcDateTime,
            new JobProgress(job.Finished, job.Total), items, failures, job.CreatedAt.UtcDateTime, job.UpdatedAt.UtcDateTime,
            job.FinishedAt?.UtcDateTime);
    }
}
