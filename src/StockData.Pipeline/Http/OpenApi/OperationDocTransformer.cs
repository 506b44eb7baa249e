using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace StockData.Pipeline.Http.OpenApi;

/// <summary>
/// Adds what ASP.NET Core cannot infer to each operation: the summary, the query parameters the handler reads itself,
/// the problem+json answers, and for endpoints behind the API key the scheme and the 401.
/// </summary>
internal sealed class OperationDocTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var segment = (description.RelativePath ?? "").Split('/')[0];
        if (OpenApiSetup.Tags.ContainsKey(segment))
        {
            operation.Tags = new HashSet<OpenApiTagReference> { new(segment, context.Document) };
        }

        if (ApiOperations.Find(description.HttpMethod ?? "", description.RelativePath ?? "") is { } doc)
        {
            operation.Summary = doc.Summary;
            operation.Description = doc.Description;
            operation.Parameters ??= [];
            foreach (var parameter in doc.Query)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = parameter.Name,
                    In = ParameterLocation.Query,
                    Description = parameter.Description,
                    Required = parameter.Required,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = parameter.Example is null ? null : JsonValue.Create(parameter.Example),
                });
            }

            AddSuccess(operation, doc.Success);
            if (doc.Body is { } body && operation.RequestBody is null)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = body,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
                };
            }

            foreach (var problem in doc.Problems)
            {
                AddProblem(operation, problem.Status, problem.When);
            }
        }

        if (description.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequired>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.ApiKeyScheme, context.Document)] = [] });
            AddProblem(operation, 401, $"the API key is set and the request lacks it or sends another ({ApiKeyFilter.HeaderName})");
        }

        return Task.CompletedTask;
    }

    /// <summary>The success response: described, and added with its content types when the handler declared none.</summary>
    private static void AddSuccess(OpenApiOperation operation, SuccessDoc success)
    {
        operation.Responses ??= [];
        var key = success.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A handler returning IResult gets an inferred, empty 200; an endpoint that answers 201 does not give it.
        foreach (var inferred in operation.Responses.Where(r => r.Key[0] == '2' && r.Key != key && (r.Value.Content is null || r.Value.Content.Count == 0))
                     .Select(r => r.Key).ToList())
        {
            operation.Responses.Remove(inferred);
        }

        if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse declared)
        {
            declared.Description = success.Description;
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = success.Description,
            Content = success.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType()),
        };
    }

    /// <summary>One problem+json response; two causes of one status are joined into one description.</summary>
    private static void AddProblem(OpenApiOperation operation, int status, string when)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse known && known.Content?.ContainsKey(ProblemSchema.ContentType) == true)
        {
            known.Description = $"{known.Description}; {when}";
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = when,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemSchema.ContentType] = new() { Schema = ProblemSchema.Create() } },
        };
    }
}
