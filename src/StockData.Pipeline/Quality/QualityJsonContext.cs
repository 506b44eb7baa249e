using System.Text.Json.Serialization;

namespace StockData.Pipeline.Quality;

/// <summary>
/// The quality report the CLI writes, serialized by source-generated code (no reflection at run time).
/// Keys are the properties' names in snake_case, in declaration order; dictionary keys are written as they are.
/// Indentation comes from the <see cref="System.Text.Json.Utf8JsonWriter"/> a document is written to.
/// </summary>
/// <remarks>Each area owns the context of its own documents, so no shared context has to know every area.</remarks>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(QualityReportDocument))]
internal sealed partial class QualityJsonContext : JsonSerializerContext;
