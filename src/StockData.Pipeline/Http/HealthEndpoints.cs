using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StockData.Storage.Postgres.Replica;
using StockData.Upstream.Redis;

namespace StockData.Pipeline.Http;

/// <summary>
/// <c>/healthz</c> (liveness: the process serves requests) and <c>/readyz</c> (readiness: 503 only when PostgreSQL is
/// unreachable or the pipeline is not running; Redis down is <c>"redis":"degraded"</c> with 200, because the worker
/// carries on with its in-process limiter fallback), through ASP.NET Core's health checks: the maintained PostgreSQL
/// and Redis checks on the process's one data source and multiplexer, and the pipeline's own.
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>How long a readiness probe waits for each dependency; probes time out after a few seconds themselves.</summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private const string ReadyTag = "ready";
    private const string PostgresCheck = "postgres";
    private const string RedisCheck = "redis";
    private const string PipelineCheck = "pipeline";
    private const string StandbyCheck = "postgres_read";

    public static IServiceCollection AddStockDataHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(), name: PostgresCheck, tags: [ReadyTag], timeout: ProbeTimeout)
            // Degraded, not unhealthy: the worker goes on without Redis (limiter fallback), so it stays ready.
            .AddCheck<RedisReadinessCheck>(RedisCheck, HealthStatus.Degraded, [ReadyTag], ProbeTimeout)
            .AddCheck<PipelineHealthCheck>(PipelineCheck, HealthStatus.Unhealthy, [ReadyTag])
            // Degraded as well: reads fall back to the primary while the standby is away.
            .AddCheck<StandbyReadinessCheck>(StandbyCheck, HealthStatus.Degraded, [ReadyTag], ProbeTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var redis = endpoints.ServiceProvider.GetRequiredService<RedisConnectionProvider>();
        var router = endpoints.ServiceProvider.GetRequiredService<ReadRouter>();
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteLiveAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
            {
                // Without a Redis connection string there is nothing to check: the answer says not_configured.
                // Likewise without a read replica: no postgres_read in the answer.
                Predicate = r => r.Tags.Contains(ReadyTag) && (r.Name != RedisCheck || redis.IsConfigured) && (r.Name != StandbyCheck || router.Configured),
                ResponseWriter = WriteReadyAsync,
            })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return endpoints;
    }

    /// <summary>The <c>/readyz</c> body of a report (the status code, 200 or 503, follows the report's status).</summary>
    internal static HealthDocument Readiness(HealthReport report)
    {
        var pipeline = report.Entries[PipelineCheck].Data;
        var hasStandby = report.Entries.TryGetValue(StandbyCheck, out var standby);
        return new HealthDocument(
            report.Status == HealthStatus.Unhealthy ? "not_ready" : "ready",
            Postgres: report.Entries[PostgresCheck].Status == HealthStatus.Healthy ? "ok" : "unreachable",
            Pipeline: (string)pipeline[PipelineHealthCheck.StatusKey],
            Redis: report.Entries.TryGetValue(RedisCheck, out var redis) ? redis.Status == HealthStatus.Healthy ? "ok" : "degraded" : "not_configured",
            Error: pipeline.TryGetValue(PipelineHealthCheck.ErrorKey, out var error) ? (string)error : null,
            PostgresRead: hasStandby ? standby.Status == HealthStatus.Healthy ? "ok" : "degraded" : null,
            Standby: hasStandby && standby.Data.TryGetValue(StandbyReadinessCheck.StandbyKey, out var name) ? (string)name : null);
    }

    private static Task WriteLiveAsync(HttpContext context, HealthReport report) => WriteAsync(context, new HealthDocument("ok"));

    private static Task WriteReadyAsync(HttpContext context, HealthReport report) => WriteAsync(context, Readiness(report));

    private static async Task WriteAsync(HttpContext context, HealthDocument document)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, document, HealthJsonContext.Default.HealthDocument, context.RequestAborted);
    }
}
