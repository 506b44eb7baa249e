using System.Text.Json.Serialization;

namespace StockData.Pipeline.Http;

/// <summary>
/// The catalog endpoints' JSON bodies, serialized by source-generated code: the native build has no reflection-based
/// serializer, and the OpenAPI document's schemas are read from the same metadata.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CoveragePage))]
[JsonSerializable(typeof(SymbolDocument))]
[JsonSerializable(typeof(EventPage))]
// A problem's extension values are objects, serialized by their run-time type: the unknown symbols of a 400 are an array.
[JsonSerializable(typeof(string[]))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
