using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StockData.Pipeline.Daemon;
using StockData.Pipeline.Http;

namespace StockData.UnitTests.Http;

/// <summary>
/// <c>/readyz</c>'s body from a health report: ready unless PostgreSQL or the pipeline fails (Redis only degrades), and
/// the same keys as before the health-check framework (status, postgres, pipeline, redis, error when stopped on one).
/// </summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Readiness_AllHealthy_Ready()
    {
        var report = await ReportAsync(DaemonStatus.Running, postgres: HealthStatus.Healthy, redis: HealthStatus.Healthy);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("""{"status":"ready","postgres":"ok","pipeline":"running","redis":"ok"}""", Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public async Task Readiness_RedisDown_DegradedButReady()
    {
        var report = await ReportAsync(DaemonStatus.Disabled, postgres: HealthStatus.Healthy, redis: HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, report.Status); // 200: the worker goes on with its in-process limiter
        Assert.Equal("""{"status":"ready","postgres":"ok","pipeline":"disabled","redis":"degraded"}""", Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public async Task Readiness_RedisNotConfigured_NotChecked()
    {
        var report = await ReportAsync(DaemonStatus.Running, postgres: HealthStatus.Healthy, redis: null);

        Assert.Equal("""{"status":"ready","postgres":"ok","pipeline":"running","redis":"not_configured"}""", Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public async Task Readiness_PostgresUnreachable_NotReady()
    {
        var report = await ReportAsync(DaemonStatus.Running, postgres: HealthStatus.Unhealthy, redis: HealthStatus.Healthy);

        Assert.Equal(HealthStatus.Unhealthy, report.Status); // 503
        Assert.Equal("""{"status":"not_ready","postgres":"unreachable","pipeline":"running","redis":"ok"}""", Json(HealthEndpoints.Readiness(report)));
    }

    [Theory]
    [InlineData("starting")]
    [InlineData("stopping")]
    public async Task Readiness_PipelineNotRunning_NotReady(string name)
    {
        var status = name == "starting" ? DaemonStatus.Starting : DaemonStatus.Stopping;
        var report = await ReportAsync(status, postgres: HealthStatus.Healthy, redis: HealthStatus.Healthy);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal($$"""{"status":"not_ready","postgres":"ok","pipeline":"{{name}}","redis":"ok"}""", Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public async Task Readiness_PipelineStoppedOnAnError_SaysWhy()
    {
        var report = await ReportAsync(DaemonStatus.Stopped, postgres: HealthStatus.Healthy, redis: HealthStatus.Healthy, error: "deadlock \"detected\"");

        Assert.Equal("""{"status":"not_ready","postgres":"ok","pipeline":"stopped","redis":"ok","error":"deadlock \u0022detected\u0022"}""",
            Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public async Task Readiness_ReadReplicaDown_DegradedButReady_NamesTheStandby()
    {
        var report = await ReportAsync(DaemonStatus.Running, postgres: HealthStatus.Healthy, redis: HealthStatus.Healthy, standby: HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, report.Status); // 200: reads go to the primary meanwhile
        Assert.Equal("""{"status":"ready","postgres":"ok","pipeline":"running","redis":"ok","postgres_read":"degraded","standby":"127.0.0.1:5433"}""",
            Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public async Task Readiness_ReadReplicaUp_Ok()
    {
        var report = await ReportAsync(DaemonStatus.Running, postgres: HealthStatus.Healthy, redis: null, standby: HealthStatus.Healthy);

        Assert.Equal("""{"status":"ready","postgres":"ok","pipeline":"running","redis":"not_configured","postgres_read":"ok","standby":"127.0.0.1:5433"}""",
            Json(HealthEndpoints.Readiness(report)));
    }

    [Fact]
    public void Liveness_Document() => Assert.Equal("""{"status":"ok"}""", Json(new HealthDocument("ok")));

    /// <summary>A report as the health check service builds it: the pipeline's own check run on a real state.</summary>
    private static async Task<HealthReport> ReportAsync(DaemonStatus pipeline, HealthStatus postgres, HealthStatus? redis, string? error = null,
        HealthStatus? standby = null)
    {
        var state = new DaemonState();
        state.Set(pipeline, error);
        var registration = new HealthCheckRegistration("pipeline", new PipelineHealthCheck(state), HealthStatus.Unhealthy, null);
        var result = await registration.Factory(null!).CheckHealthAsync(new HealthCheckContext { Registration = registration });
        var entries = new Dictionary<string, HealthReportEntry>
        {
            ["postgres"] = new(postgres, null, TimeSpan.Zero, null, null),
            ["pipeline"] = new(result.Status, result.Description, TimeSpan.Zero, result.Exception, result.Data),
        };
        if (redis is { } status)
        {
            entries["redis"] = new(status, null, TimeSpan.Zero, null, null);
        }

        if (standby is { } standbyStatus)
        {
            entries["postgres_read"] = new(standbyStatus, null, TimeSpan.Zero, null,
                new Dictionary<string, object> { [StandbyReadinessCheck.StandbyKey] = "127.0.0.1:5433" });
        }

        return new HealthReport(entries, TimeSpan.Zero);
    }

    private static string Json(HealthDocument document) => JsonSerializer.Serialize(document, HealthJsonContext.Default.HealthDocument);
}
