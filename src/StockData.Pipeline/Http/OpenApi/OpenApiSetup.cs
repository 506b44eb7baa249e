using System.Text.Json;
using System.Text.Json.Serialization;
using StockData.Pipeline.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace StockData.Pipeline.Http.OpenApi;

/// <summary>
/// ASP.NET Core's built-in OpenAPI document of the whole HTTP API, served at <c>/openapi/v1.json</c>. Open without the
/// API key, like <c>/metrics</c> and the probes: it describes the API and holds no data, and a client needs it to
/// learn that the key exists and where it goes.
/// </summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The document's tags: an operation is tagged by its path's first segment; the probes and metrics by the last.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bars"] = "Stored bars",
        ["symbols"] = "The universe: coverage, metadata, corporate actions",
        ["jobs"] = "Fetch jobs",
        [OperationsTag] = "Probes, metrics and this document",
    };

    public const string OperationsTag = "operations";

    public static IServiceCollection AddStockDataOpenApi(this IServiceCollection services)
    {
        // The catalog's JSON bodies are written with these options, and the document's schemas follow the same ones.
        // Strict numbers: the bodies write numbers as numbers, so the schemas say integer, not "integer or string".
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // Every body the API writes has source-generated metadata (the native build has no reflection-based
            // serializer); the document's schemas come from the same resolvers.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, CatalogJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, JobJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(2, HealthJsonContext.Default);
        });
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<UnroutedEndpointsTransformer>();
            options.AddOperationTransformer<OperationDocTransformer>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapStockDataOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return endpoints;
    }
}
