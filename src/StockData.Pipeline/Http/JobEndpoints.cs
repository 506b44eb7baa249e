using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using StockData.Diagnostics;
using StockData.Pipeline.Jobs;
using StockData.Storage.Postgres.Jobs;

namespace StockData.Pipeline.Http;

/// <summary>
/// <c>POST /jobs</c> (body <c>{"symbols":[…],"interval":"1d","from":…,"to":…,"priority":"high"|"normal"}</c>; 201 with
/// the job), <c>GET /jobs/{id}</c> (the same JSON as <c>stockdata jobs show</c>), <c>GET /jobs?status=&amp;limit=</c>
/// (<c>{"jobs":[…]}</c>, newest first) and <c>DELETE /jobs/{id}</c> (cancel; 200 with the cancelled job, 409 when it
/// had finished already), the HTTP side of <c>stockdata jobs list|cancel</c>.
/// </summary>
internal static class JobEndpoints
{
    /// <summary>A job body larger than this is refused: 100,000 symbols fit comfortably.</summary>
    private const long MaxBodyBytes = 4 * 1024 * 1024;

    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder group)
    {
        group.MapPost("/jobs", SubmitAsync);
        group.MapGet("/jobs/{id}", GetAsync);
        group.MapGet("/jobs", ListAsync);
        group.MapDelete("/jobs/{id}", CancelAsync);
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobStore jobs, ILogger<JobStore> logger, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return ParameterProblem.For("body", $"larger than {MaxBodyBytes} bytes");
        }

        // A chunked body has no length to check up front: Kestrel stops reading it at the limit.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            return ParameterProblem.For("body", "not valid JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ParameterProblem.For("body", "must be a JSON object with a 'symbols' array");
            }

            if (!root.TryGetProperty("symbols", out var symbolsElement) || symbolsElement.ValueKind != JsonValueKind.Array)
            {
                return ParameterProblem.For("symbols", "an array of symbols is required");
            }

            var symbols = new List<string>(symbolsElement.GetArrayLength());
            foreach (var element in symbolsElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return ParameterProblem.For("symbols", "every symbol must be a string");
                }

                symbols.Add(element.GetString()!);
            }

            string? interval, from, to, priority;
            try
            {
                (interval, from, to, priority) = (Text(root, "interval"), Text(root, "from"), Text(root, "to"), Text(root, "priority"));
            }
            catch (ArgumentException ex)
            {
                return ParameterProblem.For(ex.ParamName ?? "body", "must be a string or null");
            }

            var (submission, error) = JobRequests.FromSymbols(symbols, interval, from, to, priority);
            if (submission is null)
            {
                return ParameterProblem.For(error!.Parameter, error.Message);
            }

            var id = await jobs.CreateAsync(submission.Spec, submission.Items, cancellationToken);
            PipelineLog.JobSubmitted(logger, id, submission.Items.Count, submission.Spec.Priority.ToName());
            var job = await jobs.GetAsync(id, cancellationToken);
            return new JobResult(job!, StatusCodes.Status201Created, $"/jobs/{id}");
        }
    }

    private static async Task<IResult> GetAsync(string id, JobStore jobs, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var jobId))
        {
            return ParameterProblem.For("id", $"'{id}' is not a job id (a positive integer)");
        }

        var job = await jobs.GetAsync(jobId, cancellationToken);
        return job is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such job", detail: $"There is no job {jobId}.")
            : new JobResult(job, StatusCodes.Status200OK);
    }

    private static async Task<IResult> ListAsync(HttpContext context, JobStore jobs, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var status = query["status"].ToString();
        if (status.Length > 0 && !JobJson.Statuses.Contains(status, StringComparer.Ordinal))
        {
            return ParameterProblem.For("status", $"'{status}' is not one of {string.Join(", ", JobJson.Statuses)}");
        }

        var limit = 20;
        var limitText = query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out limit) || limit < 1 || limit > JobJson.MaxListLimit))
        {
            return ParameterProblem.For("limit", $"'{limitText}' is not a whole number from 1 to {JobJson.MaxListLimit}");
        }

        var listed = await jobs.ListAsync(status.Length > 0 ? status : null, limit, cancellationToken);
        var document = new JobListDocument(listed.Select(JobJson.Document).ToList());
        return Results.Json(document, JobJsonContext.Default.JobListDocument);
    }

    private static async Task<IResult> CancelAsync(string id, JobStore jobs, TimeProvider time, ILogger<JobStore> logger,
        CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var jobId))
        {
            return ParameterProblem.For("id", $"'{id}' is not a job id (a positive integer)");
        }

        var outcome = await jobs.CancelAsync(jobId, time.GetUtcNow(), cancellationToken);
        var job = await jobs.GetAsync(jobId, cancellationToken);
        switch (outcome)
        {
            case CancelOutcome.NotFound:
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such job", detail: $"There is no job {jobId}.");
            case CancelOutcome.AlreadyFinished:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Job already finished",
                    detail: $"Job {jobId} has already finished ({job?.Status}): there is nothing left to cancel.");
            default:
                PipelineLog.JobCancelled(logger, jobId, job?.Count("cancelled") ?? 0);
                return new JobResult(job!, StatusCodes.Status200OK);
        }
    }

    /// <summary>A string property, or null when absent or null; throws naming it when it is anything else.</summary>
    private static string? Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ArgumentException("not a string", name);
    }
}
