using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using StockData.Pipeline.Daemon;
using StockData.Storage.Redis;

namespace StockData.Pipeline.Http;

/// <summary>
/// <c>/healthz</c> (liveness: the process serves requests) and <c>/readyz</c> (readiness: 503 only when PostgreSQL is
/// unreachable or the pipeline is not running; Redis down is <c>"redis":"degraded"</c> with 200, because the worker
/// carries on with its in-process limiter fallback).
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>How long a readiness probe waits for each dependency; probes time out after a few seconds themselves.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new Dictionary<string, string> { ["status"] = "ok" }));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(NpgsqlDataSource dataSource, RedisConnectionProvider redis, DaemonState state,
        CancellationToken cancellationToken)
    {
        var postgresTask = PostgresAsync(dataSource, cancellationToken);
        var redisTask = RedisAsync(redis);
        var postgres = await postgresTask;
        var redisStatus = await redisTask;
        var pipeline = state.Status;
        var ready = postgres == "ok" && pipeline is DaemonStatus.Running or DaemonStatus.Disabled;
        var body = new Dictionary<string, string?>
        {
            ["status"] = ready ? "ready" : "not_ready",
            ["postgres"] = postgres,
            ["pipeline"] = DaemonState.Name(pipeline),
            ["redis"] = redisStatus,
        };
        if (state.LastError is { } error && pipeline == DaemonStatus.Stopped)
        {
            body["error"] = error;
        }

        return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> PostgresAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken);
            return "ok";
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return "unreachable";
        }
    }

    private static async Task<string> RedisAsync(RedisConnectionProvider redis)
    {
        if (!redis.IsConfigured)
        {
            return "not_configured";
        }

        try
        {
            // The first connection attempt may take the client's whole connect timeout: do not hold the probe for it.
            var multiplexer = await redis.GetAsync(CancellationToken.None).AsTask().WaitAsync(ProbeTimeout);
            if (!multiplexer.IsConnected)
            {
                return "degraded";
            }

            await multiplexer.GetDatabase().PingAsync().WaitAsync(ProbeTimeout);
            return "ok";
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            return "degraded";
        }
    }
}
