using System.Text.Json.Serialization;
using StockData.Pipeline.Budget;
using StockData.Pipeline.Http;
using StockData.Pipeline.Jobs;
using StockData.Pipeline.Quality;

namespace StockData.Pipeline.Hosting;

/// <summary>
/// The JSON documents the CLI and the HTTP API write, serialized by source-generated code (no reflection at run time).
/// Keys are the properties' names in snake_case, in declaration order; dictionary keys are written as they are.
/// Indentation comes from the <see cref="System.Text.Json.Utf8JsonWriter"/> a document is written to.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JobDocument))]
[JsonSerializable(typeof(QualityReportDocument))]
[JsonSerializable(typeof(HealthDocument))]
[JsonSerializable(typeof(BudgetDocument))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
