using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Redis;

public sealed class RedisConnectionProviderTests(PostgresFixture postgres, RedisFixture redis)
    : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    [Fact]
    public async Task GetAsync_ConfiguredRedis_ReturnsOneSharedConnection()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        await using var services = StorageHost.Create(postgres, redis: redis);
        var provider = services.GetRequiredService<RedisConnectionProvider>();

        var first = await provider.GetAsync(TestContext.Current.CancellationToken);
        var second = await provider.GetAsync(TestContext.Current.CancellationToken);
        var key = redis.KeyPrefix + "hello";
        await first.GetDatabase().StringSetAsync(key, "world");

        Assert.Same(first, second);
        Assert.Equal("world", (string?)await redis.Multiplexer.GetDatabase().StringGetAsync(key));
    }

    [Fact]
    public async Task GetAsync_NotConfigured_SaysWhichSettingIsMissing()
    {
        postgres.EnsureAvailable();
        await using var services = StorageHost.Create(postgres);
        var provider = services.GetRequiredService<RedisConnectionProvider>();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await provider.GetAsync(TestContext.Current.CancellationToken));
        Assert.Contains("ConnectionStrings__Redis", ex.Message, StringComparison.Ordinal);
    }
}
