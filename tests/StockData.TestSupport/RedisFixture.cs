using DotNet.Testcontainers.Containers;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace StockData.TestSupport;

/// <summary>A real Redis (STOCKDATA_TEST_REDIS, else a container) and a key prefix of this fixture's own.</summary>
public class RedisFixture : ExternalOrContainerFixture
{
    public RedisFixture()
        : this("STOCKDATA_TEST_REDIS")
    {
    }

    /// <param name="envVar">The environment variable naming the server (a Redis Cluster fixture names its own).</param>
    protected RedisFixture(string envVar)
        : base(envVar)
    {
    }

    private ConnectionMultiplexer? _multiplexer;

    /// <summary>Every key this fixture's tests write starts with this prefix; it is deleted at the end.</summary>
    public string KeyPrefix { get; } = "t:" + Guid.NewGuid().ToString("N")[..12] + ":";

    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("Redis fixture not started");

    protected override IContainer BuildContainer() => new RedisBuilder("redis:7.0").Build();

    protected override string ContainerConnectionString(IContainer container) => ((RedisContainer)container).GetConnectionString();

    protected override async Task OnStartedAsync() => _multiplexer = await ConnectionMultiplexer.ConnectAsync(ConnectionString);

    protected override async Task OnStoppingAsync()
    {
        if (_multiplexer is null)
        {
            return;
        }

        foreach (var endpoint in _multiplexer.GetEndPoints())
        {
            var server = _multiplexer.GetServer(endpoint);
            var database = _multiplexer.GetDatabase();
            await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*"))
            {
                await database.KeyDeleteAsync(key);
            }
        }

        await _multiplexer.DisposeAsync();
    }
}
