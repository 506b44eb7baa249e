using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace StockData.Pipeline.Http.OpenApi;

/// <summary>
/// Adds the API key scheme, and the endpoints that are not route handlers (so ApiExplorer does not see them): the
/// health probes, <c>/metrics</c> and this document itself.
/// </summary>
internal sealed class UnroutedEndpointsTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "StockData worker HTTP API";
        document.Info.Description = "Stored bars, corporate actions, coverage and fetch jobs of a stockdata store (docs/http-api.md).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OpenApiSetup.ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            Name = ApiKeyFilter.HeaderName,
            In = ParameterLocation.Header,
            Description = "Required on the data and job endpoints whenever StockData__Http__ApiKey is set (always off loopback).",
        };

        // The operations' tags (set per operation, by path) with their descriptions, in place of the handlers' class names.
        document.Tags = OpenApiSetup.Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }).ToHashSet();
        document.Paths ??= [];
        Add(document, "/healthz", "Liveness", "{\"status\":\"ok\"} while the process serves requests.", "application/json");
        Add(document, "/readyz", "Readiness",
            "{\"status\",\"postgres\",\"pipeline\",\"redis\"}: 200 when PostgreSQL answers and the pipeline runs (or is disabled), else 503 with the same body.",
            "application/json", unavailable: true);
        Add(document, "/metrics", "Prometheus metrics", "The text exposition format (docs/observability.md).", "text/plain");
        Add(document, OpenApiSetup.DocumentPath, "This OpenAPI document", "OpenAPI 3.1, open without a key (it holds no data).", "application/json");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiDocument document, string path, string summary, string description, string contentType, bool unavailable = false)
    {
        var responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse { Description = description, Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() } },
        };
        if (unavailable)
        {
            responses["503"] = new OpenApiResponse { Description = "Not ready: PostgreSQL unreachable, or the pipeline starting, stopping or stopped.", Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() } };
        }

        var item = new OpenApiPathItem();
        item.AddOperation(HttpMethod.Get, new OpenApiOperation { Summary = summary, Description = description, Responses = responses, Tags = new HashSet<OpenApiTagReference> { new(OpenApiSetup.OperationsTag, document) } });
        document.Paths[path] = item;
    }
}
