using System.Text.Json.Serialization;

namespace StockData.Benchmarks.Dto;

/// <summary>The source-generated serializer context of the DTO baseline (the faster of the two DTO routes).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChartDto.Envelope))]
internal sealed partial class ChartDtoContext : JsonSerializerContext;
