using System.Text.Json;
using StockData.Pipeline.Jobs;
using StockData.Storage.Postgres.Jobs;

namespace StockData.UnitTests.Jobs;

/// <summary>
/// A job's JSON (<c>jobs show</c>, <c>GET /jobs/{id}</c>): keys in their documented order, every item status even when
/// zero, failures by category in ordinal order, UTC timestamps ending in Z, absent times as null.
/// </summary>
public sealed class JobJsonTests
{
    private static readonly JobView Job = new(
        42, "running", JobPriority.High, "1d",
        new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), null, 3,
        new DateTimeOffset(2026, 12, 1, 11, 20, 30, 500, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 12, 1, 10, 21, 0, TimeSpan.Zero), null,
        new Dictionary<string, int> { ["failed"] = 1, ["done"] = 1, ["pending"] = 1 },
        new Dictionary<string, int> { ["server_error"] = 1, ["not_found"] = 2 });

    [Fact]
    public void ToIndentedString_TheDocumentedLayout()
    {
        Assert.Equal("""
            {
              "id": 42,
              "status": "running",
              "priority": "high",
              "interval": "1d",
              "from": "2026-11-01T00:00:00Z",
              "to": null,
              "progress": {
                "finished": 2,
                "total": 3
              },
              "items": {
                "pending": 1,
                "running": 0,
                "done": 1,
                "failed": 1,
                "cancelled": 0
              },
              "failures": {
                "not_found": 2,
                "server_error": 1
              },
              "created_at": "2026-12-01T10:20:30.5Z",
              "updated_at": "2026-12-01T10:21:00Z",
              "finished_at": null
            }
            """.ReplaceLineEndings(Environment.NewLine), JobJson.ToIndentedString(Job));
    }

    [Fact]
    public void Document_Compact_SameDocumentOnOneLine()
    {
        // What GET /jobs/{id} writes.
        var done = Job with { Status = "done", FinishedAt = Job.UpdatedAt, FailuresByCategory = new Dictionary<string, int>() };

        Assert.Equal(
            """{"id":42,"status":"done","priority":"high","interval":"1d","from":"2026-11-01T00:00:00Z","to":null,"progress":{"finished":2,"total":3},"items":{"pending":1,"running":0,"done":1,"failed":1,"cancelled":0},"failures":{},"created_at":"2026-12-01T10:20:30.5Z","updated_at":"2026-12-01T10:21:00Z","finished_at":"2026-12-01T10:21:00Z"}""",
            JsonSerializer.Serialize(JobJson.Document(done), JobJsonContext.Default.JobDocument));
    }
}
