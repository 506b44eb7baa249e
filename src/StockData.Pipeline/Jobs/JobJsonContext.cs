using System.Text.Json.Serialization;

namespace StockData.Pipeline.Jobs;

/// <summary>
/// The job document the CLI and the HTTP API write, serialized by source-generated code (no reflection at run time).
/// Keys are the properties' names in snake_case, in declaration order; dictionary keys are written as they are.
/// Indentation comes from the <see cref="System.Text.Json.Utf8JsonWriter"/> a document is written to.
/// </summary>
/// <remarks>Each area owns the context of its own documents, so no shared context has to know every area.</remarks>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JobDocument))]
[JsonSerializable(typeof(JobListDocument))]
internal sealed partial class JobJsonContext : JsonSerializerContext;
