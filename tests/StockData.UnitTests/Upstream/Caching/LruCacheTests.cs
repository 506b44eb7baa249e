using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using StockData.Core;
using StockData.Upstream.Caching;
using StockData.Storage.Postgres;
using StockData.Diagnostics;

namespace StockData.UnitTests.Upstream.Caching;

public sealed class LruCacheTests
{
    [Fact]
    public void Set_AtCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = new LruCache<string, int>("t_" + Guid.NewGuid().ToString("N")[..8], 3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);
        Assert.True(cache.TryGet("a", out _)); // a is now the most recent; b the least

        cache.Set("d", 4);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.True(cache.TryGet("c", out _));
        Assert.True(cache.TryGet("d", out _));
    }

    [Fact]
    public void Set_ExistingKey_ReplacesWithoutEvicting()
    {
        var cache = new LruCache<string, int>("t_" + Guid.NewGuid().ToString("N")[..8], 2);
        cache.Set("a", 1);
        cache.Set("b", 2);

        cache.Set("a", 10);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(10, a);
        Assert.True(cache.TryGet("b", out _));
    }

    [Fact]
    public void TryGet_CountsHitsAndMissesUnderItsName()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..8];
        var cache = new LruCache<string, int>(name, 10);
        cache.Set("a", 1);

        cache.TryGet("a", out _);
        cache.TryGet("a", out _);
        cache.TryGet("zz", out _);

        Assert.Equal(2, PipelineMetrics.CacheRequests.WithLabels(name, "hit").Value);
        Assert.Equal(1, PipelineMetrics.CacheRequests.WithLabels(name, "miss").Value);
    }

    [Fact]
    public void ManyThreads_NeverExceedTheCapacity()
    {
        var cache = new LruCache<int, int>("t_" + Guid.NewGuid().ToString("N")[..8], 100);

        Parallel.For(0, 10_000, i =>
        {
            cache.Set(i % 500, i);
            cache.TryGet((i * 7) % 500, out _);
        });

        Assert.Equal(100, cache.Count);
    }

    [Fact]
    public void SymbolMetadata_IsAHitForItsTtl_ThenAMiss()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new ResponseCacheOptions { MetadataCapacity = 10, MetadataTtl = TimeSpan.FromMinutes(10) });
        // Never opened: Remember and TryGet do no I/O (the reader is only asked for misses in GetManyAsync).
        using var unused = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var cache = new SymbolMetadataCache(new SymbolMetadataReader(unused, new SchemaSql("public")), options, time);
        cache.Remember("VOD.L", new SymbolMetadata("GBp", "EQUITY", "LSE", "Europe/London", null, null, null));

        Assert.True(cache.TryGet("VOD.L", out var metadata));
        Assert.Equal("GBp", metadata.Currency);
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet("VOD.L", out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("VOD.L", out _));
        Assert.False(cache.TryGet("AAPL", out _));
    }
}
