using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Upstream.Fetching;
using StockData.IntegrationTests.Infrastructure;
using StockData.Diagnostics;
using StockData.Upstream.Fetching;
using StockData.Upstream.Session;
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
    public async Task CooldownGauge_ShowsThisEgressAuthCooldown_NotAnotherEgress()
    {
        redis.EnsureAvailable();
        var settings = new Dictionary<string, string?>
        {
            ["StockData:Fetch:AuthFailureThreshold"] = "2",
            ["StockData:Fetch:AuthCooldown"] = "00:10:00",
        };
        using var paused = new FetchHost(Unused, redis, settings);
        using var other = new FetchHost(Unused, redis, settings);
        var pausedMetrics = paused.Services.GetRequiredService<ResilienceMetrics>();
        var otherMetrics = other.Services.GetRequiredService<ResilienceMetrics>();
        var cooldown = paused.Services.GetRequiredService<AuthCooldown>();
        Assert.Same(cooldown, paused.Services.GetRequiredService<AuthCooldown>());

        var startedFirst = await cooldown.ReportFailureAsync("test", Ct);
        var startedSecond = await cooldown.ReportFailureAsync("test", Ct);
        await otherMetrics.UpdateAsync(Ct);
        var otherWhilePaused = PipelineMetrics.CooldownActive.Value;
        await pausedMetrics.UpdateAsync(Ct);
        var pausedWhilePaused = PipelineMetrics.CooldownActive.Value;
        var pausedEgress = PipelineMetrics.AuthCooldownActive.WithLabels(cooldown.Egress).Value;
        paused.Dispose();
        await otherMetrics.UpdateAsync(Ct);
        var otherAfter = PipelineMetrics.CooldownActive.Value;
        await pausedMetrics.UpdateAsync(Ct);
        var disposedLeavesAlone = PipelineMetrics.CooldownActive.Value;

        Assert.False(startedFirst);
        Assert.True(startedSecond);
        Assert.Equal(0, otherWhilePaused);
        Assert.Equal(1, pausedWhilePaused);
        Assert.Equal(1, pausedEgress);
        Assert.Equal(0, otherAfter);
        Assert.Equal(0, disposedLeavesAlone);
    }
}
