using Microsoft.Extensions.Options;
using StockData.Storage;

namespace StockData.Upstream.Redis;

/// <summary>
/// The Redis connection string, checked at start-up by the project that owns the Redis client (the storage project
/// reads the connection strings but has no Redis reference).
/// </summary>
public sealed class RedisConnectionStringValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.RedisConnectionString is { Length: > 0 } redis)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(redis);
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"ConnectionStrings:Redis is not a valid StackExchange.Redis configuration ({ex.Message.Split('\n')[0]})");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
