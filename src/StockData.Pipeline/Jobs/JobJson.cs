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
    public static void Write(Utf8JsonWriter writer, JobView job)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", job.Id);
        writer.WriteString("status", job.Status);
        writer.WriteString("priority", job.Priority.ToName());
        writer.WriteString("interval", job.Interval);
        WriteTime(writer, "from", job.From);
        WriteTime(writer, "to", job.To);
        writer.WriteStartObject("progress");
        writer.WriteNumber("finished", job.Finished);
        writer.WriteNumber("total", job.Total);
        writer.WriteEndObject();
        writer.WriteStartObject("items");
        foreach (var status in JobView.ItemStatuses)
        {
            writer.WriteNumber(status, job.Count(status));
        }

        writer.WriteEndObject();
        writer.WriteStartObject("failures");
        foreach (var (category, count) in job.FailuresByCategory.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(category, count);
        }

        writer.WriteEndObject();
        WriteTime(writer, "created_at", job.CreatedAt);
        WriteTime(writer, "updated_at", job.UpdatedAt);
        WriteTime(writer, "finished_at", job.FinishedAt);
        writer.WriteEndObject();
    }

    /// <summary>The job as one indented JSON document (the CLI's output).</summary>
    public static string ToIndentedString(JobView job)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, job);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time.UtcDateTime);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
