using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StockData.Storage;

namespace StockData.Upstream.Redis;

/// <summary>
/// The process's one Redis multiplexer, connected on first use. <c>AbortOnConnectFail=false</c> lets a worker start
/// (and degrade) while Redis is down; the multiplexer reconnects by itself when it comes back.
/// </summary>
public sealed class RedisConnectionProvider(IOptions<StorageOptions> options, ILogger<RedisConnectionProvider> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;

    /// <summary>True when a Redis connection string is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.RedisConnectionString);

    /// <summary>The shared multiplexer; throws when Redis is not configured.</summary>
    public async ValueTask<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is { } existing)
        {
            return existing;
        }

        if (!IsConfigured)
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Redis is not set: set the environment variable ConnectionStrings__Redis (e.g. 127.0.0.1:6379)");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_multiplexer is null)
            {
                var config = ConfigurationOptions.Parse(options.Value.RedisConnectionString!);
                config.AbortOnConnectFail = false;
                config.ClientName ??= options.Value.ApplicationName;
                _multiplexer = await ConnectionMultiplexer.ConnectAsync(config);
                if (!_multiplexer.IsConnected)
                {
                    UpstreamLog.RedisUnavailable(logger, "not connected at start-up");
                }
            }

            return _multiplexer;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }

        _gate.Dispose();
    }
}
