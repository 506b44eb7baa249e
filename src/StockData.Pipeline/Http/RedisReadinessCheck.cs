using HealthChecks.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using StockData.Upstream.Redis;

namespace StockData.Pipeline.Http;

/// <summary>
/// Redis for <c>/readyz</c>: the maintained <see cref="RedisHealthCheck"/> run against the process's one multiplexer.
/// The library's multiplexer factory is synchronous while <see cref="RedisConnectionProvider"/> connects on first use,
/// which may take the client's whole connect timeout: this waits for it no longer than a probe may take.
/// </summary>
internal sealed class RedisReadinessCheck(RedisConnectionProvider redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var multiplexer = await redis.GetAsync(CancellationToken.None).AsTask().WaitAsync(HealthEndpoints.ProbeTimeout, cancellationToken);
            if (!multiplexer.IsConnected)
            {
                // Reconnecting in the background: say so at once rather than wait for a ping to fail.
                return new HealthCheckResult(context.Registration.FailureStatus, "not connected");
            }

            // The library's pings take no token: bound them here.
            return await new RedisHealthCheck(multiplexer).CheckHealthAsync(context, cancellationToken)
                .WaitAsync(HealthEndpoints.ProbeTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception: ex);
        }
    }
}
