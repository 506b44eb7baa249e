using Microsoft.OpenApi;

namespace StockData.Pipeline.Http.OpenApi;

/// <summary>
/// The error body every endpoint answers with (RFC 9457 problem details), written out in the document rather than
/// referenced, because its extensions (<c>parameter</c>, <c>symbol</c>, <c>category</c>) are ours.
/// </summary>
internal static class ProblemSchema
{
    public const string ContentType = "application/problem+json";

    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI naming the problem type."),
            ["title"] = Text("Short summary, e.g. Invalid parameter 'from'."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status." },
            ["detail"] = Text("What went wrong, naming the value."),
            ["parameter"] = Text("400 and the unknown-symbol 404: the query, path or body parameter at fault."),
            ["symbol"] = Text("Refresh failures: the symbol whose fetch failed."),
            ["category"] = Text("Refresh failures: how the fetch failed (not_found, rate_limited, server_error, …)."),
            ["traceId"] = Text("The request's trace id."),
        },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
