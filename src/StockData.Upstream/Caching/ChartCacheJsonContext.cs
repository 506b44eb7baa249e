using System.Text.Json.Serialization;
using ZiggyCreatures.Caching.Fusion.Internals.Distributed;

namespace StockData.Upstream.Caching;

/// <summary>
/// The envelope FusionCache writes to Redis around a cached response, serialized by source-generated code (the native
/// build has no reflection-based serializer). Fields included: the envelope's metadata has value tuples, which
/// System.Text.Json skips otherwise.
/// </summary>
[JsonSourceGenerationOptions(IncludeFields = true)]
[JsonSerializable(typeof(FusionCacheDistributedEntry<CachedChartResponse>))]
internal sealed partial class ChartCacheJsonContext : JsonSerializerContext;
