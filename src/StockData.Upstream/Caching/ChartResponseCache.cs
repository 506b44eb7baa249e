using Microsoft.Extensions.Options;
using StockData.Diagnostics;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using ZiggyCreatures.Caching.Fusion;

namespace StockData.Upstream.Caching;

/// <summary>
/// Raw chart responses in two tiers (FusionCache: L1 in-process, L2 Redis), in front of the resilience pipeline so a hit
/// spends no token. Concurrent callers of one key share one upstream call (per process always, across replicas with the
/// Redis locker); when the upstream fails, the last good response is served for up to
/// <see cref="ResponseCacheOptions.FailSafeMaxDuration"/> past its freshness.
/// </summary>
/// <remarks>
/// Only 2xx answers whose body looks like chart JSON are cached. Errors never are, 404 included: a symbol's not-found
/// status is recorded in the store, which decides when to ask again, and a new listing must not stay invisible for a TTL.
/// </remarks>
public sealed class ChartResponseCache
{
    public const string CacheLabel = "response";

    private readonly IFusionCache _cache;
    private readonly ResponseCacheOptions _options;
    private readonly string _events;
    private readonly TimeProvider _time;

    public ChartResponseCache(IFusionCache cache, IOptions<ResponseCacheOptions> options, IOptions<YahooOptions> yahoo, TimeProvider time)
    {
        _cache = cache;
        _options = options.Value;
        _events = yahoo.Value.Events;
        _time = time;
    }

    public bool Enabled => _options.Enabled;

    /// <summary>The key <paramref name="request"/> is cached under now.</summary>
    public string KeyOf(YahooChartRequest request) => ChartCacheKey.For(request, _events, _time.GetUtcNow(), _options.Duration);

    /// <summary>
    /// The cached answer to <paramref name="request"/>, else <paramref name="fetch"/>'s (cached when it is a good one).
    /// The caller disposes the response. Exceptions of <paramref name="fetch"/> propagate unless a stale entry is served.
    /// </summary>
    public async Task<YahooResponse> GetOrFetchAsync(YahooChartRequest request, Func<CancellationToken, Task<YahooResponse>> fetch,
        CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return await fetch(cancellationToken);
        }

        // FusionCache runs only the factory of the caller holding the key's lock, so these belong to this call alone.
        YahooResponse? own = null;
        var factoryRan = false;
        CachedChartResponse entry;
        try
        {
            entry = await _cache.GetOrSetAsync<CachedChartResponse>(KeyOf(request), async (context, token) =>
            {
                factoryRan = true;
                own = await fetch(token);
                if (!IsCacheable(own))
                {
                    throw new UncacheableResponseException($"HTTP {(int)own.StatusCode} for {request.Symbol} is not cached");
                }

                var cached = CachedChartResponse.From(own);
                context.Options.Size = SizeUnits(cached.Body.Length);
                return cached;
            }, token: cancellationToken);
        }
        catch (UncacheableResponseException) when (own is not null)
        {
            // No stale entry to fall back on: the caller classifies the answer itself.
            Count("miss");
            return own;
        }

        if (own is not null && IsCacheable(own))
        {
            // This call fetched it: hand over the response as it came, without a round trip through the compressor.
            Count("miss");
            return own;
        }

        own?.Dispose();
        Count(factoryRan ? "stale" : "hit");
        return entry.ToResponse(request);
    }

    /// <summary>
    /// What an entry counts against <see cref="ResponseCacheOptions.MemoryEntries"/>: one per started
    /// <see cref="ResponseCacheOptions.MemoryUnitBytes"/> of compressed body. A count of entries alone let a replay of
    /// 10-year histories (about 60 KB each compressed) hold 2,000 of them and the process grow past 600 MB
    /// (docs/performance.md, Pipeline); small incremental answers still count one each.
    /// </summary>
    internal static long SizeUnits(int compressedBytes) =>
        Math.Max(1, (compressedBytes + ResponseCacheOptions.MemoryUnitBytes - 1) / ResponseCacheOptions.MemoryUnitBytes);

    private bool IsCacheable(YahooResponse response)
    {
        if (!response.IsSuccessStatusCode || response.Body.Length is 0 || response.Body.Length > _options.MaxBodyBytes ||
            CutShortBody.Is(response))
        {
            return false;
        }

        // "Parseable-looking": a JSON object whose first member is Yahoo's "chart" envelope. The parser decides the rest.
        var body = response.Body.Span.TrimStart(" \t\r\n"u8);
        return body.StartsWith("{"u8) && body[1..].TrimStart(" \t\r\n"u8).StartsWith("\"chart\""u8);
    }

    private static void Count(string result) => PipelineMetrics.CacheRequests.WithLabels(CacheLabel, result).Inc();
}
