using Microsoft.Extensions.Diagnostics.HealthChecks;
using StockData.Storage.Postgres.Replica;

namespace StockData.Pipeline.Http;

/// <summary>
/// The read replica for <c>/readyz</c>: degraded (never unhealthy: reads fall back to the primary) while the router
/// skips the standby after a failure, or when a probe now gets no answer; the description names the standby.
/// </summary>
internal sealed class StandbyReadinessCheck(ReadRouter router) : IHealthCheck
{
    public const string StandbyKey = "standby";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { [StandbyKey] = router.StandbyName ?? "" };
        var status = await router.ProbeAsync(cancellationToken);
        return status is null
            ? new HealthCheckResult(context.Registration.FailureStatus, $"{router.StandbyName}: {router.LastError}", data: data)
            : HealthCheckResult.Healthy(router.StandbyName, data);
    }
}
