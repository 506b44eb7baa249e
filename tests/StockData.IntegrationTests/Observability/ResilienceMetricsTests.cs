using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.IntegrationTests.Infrastructure;
using StockData.Diagnostics;
using StockData.Upstream.Fetching;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Observability;

/// <summary>
/// The cooldown gauge shows its own host's state: two hosts in one process (as tests and verbs build them) against
/// one Redis no longer share a static pause, and a disposed host's scrape callback reads nothing.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ResilienceMetricsTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly Uri Unused = new("http://127.0.0.1:9/");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CooldownGauge_ShowsThisHostsUnauthorizedPause_NotAnotherHosts()
    {
        redis.EnsureAvailable();
        var settings = new Dictionary<string, string?>
        {
            ["StockData:Ingest:UnauthorizedThreshold"] = "2",
            ["StockData:Ingest:UnauthorizedCooldown"] = "00:10:00",
        };
        using var paused = new FetchHost(Unused, redis, settings);
        using var other = new FetchHost(Unused, redis, settings);
        var pausedMetrics = paused.Services.GetRequiredService<ResilienceMetrics>();
        var otherMetrics = other.Services.GetRequiredService<ResilienceMetrics>();
        var gate = paused.Services.GetRequiredService<UnauthorizedGate>();
        Assert.Same(gate, paused.Services.GetRequiredService<UnauthorizedGate>());

        gate.Observe(401);
        gate.Observe(401);
        await otherMetrics.UpdateAsync(Ct);
        var otherWhilePaused = PipelineMetrics.CooldownActive.Value;
        await pausedMetrics.UpdateAsync(Ct);
        var pausedWhilePaused = PipelineMetrics.CooldownActive.Value;
        paused.Dispose();
        await otherMetrics.UpdateAsync(Ct);
        var otherAfter = PipelineMetrics.CooldownActive.Value;
        await pausedMetrics.UpdateAsync(Ct);
        var disposedLeavesAlone = PipelineMetrics.CooldownActive.Value;

        Assert.True(gate.IsPaused);
        Assert.Equal(0, otherWhilePaused);
        Assert.Equal(1, pausedWhilePaused);
        Assert.Equal(0, otherAfter);
        Assert.Equal(0, disposedLeavesAlone);
    }
}
