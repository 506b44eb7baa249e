using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StockData.Pipeline.Jobs;
using StockData.Storage.Postgres.Jobs;

namespace StockData.Pipeline.Http;

/// <summary>A job as JSON (<see cref="JobJson"/>, the CLI's format), with a status code and an optional Location.</summary>
internal sealed class JobResult(JobView job, int statusCode, string? location = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        // Asynchronously: Kestrel refuses synchronous writes to the body (a serializer flushing a writer on it would).
        await JsonSerializer.SerializeAsync(response.Body, JobJson.Document(job), JobJsonContext.Default.JobDocument, httpContext.RequestAborted);
    }
}
