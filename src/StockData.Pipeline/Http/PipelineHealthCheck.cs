using Microsoft.Extensions.Diagnostics.HealthChecks;
using StockData.Pipeline.Daemon;

namespace StockData.Pipeline.Http;

/// <summary>
/// The pipeline's own readiness: healthy while it runs (or is disabled, an HTTP-only replica); starting, stopping
/// (draining after SIGTERM) and stopped (a fatal error, restarting after a delay) are not ready. The data carry the
/// status's name and, when it stopped, why.
/// </summary>
internal sealed class PipelineHealthCheck(DaemonState state) : IHealthCheck
{
    public const string StatusKey = "pipeline";
    public const string ErrorKey = "error";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = state.Status;
        var data = new Dictionary<string, object> { [StatusKey] = DaemonState.Name(status) };
        if (status == DaemonStatus.Stopped && state.LastError is { } error)
        {
            data[ErrorKey] = error;
        }

        var health = status is DaemonStatus.Running or DaemonStatus.Disabled ? HealthStatus.Healthy : context.Registration.FailureStatus;
        return Task.FromResult(new HealthCheckResult(health, data: data));
    }
}
