using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><c>stockdata-bench limiter --redis-cluster</c> as a real process: its own three-master cluster, no Redis configured.</summary>
[Collection(ProcessCollection.Name)]
public sealed class BenchLimiterCommandTests
{
    [Fact]
    public async Task BenchLimiter_OnAPrivateRedisCluster_WithoutConfiguredRedis_SharesTheBucketAtMostAtTheRate()
    {
        // The runner drops ConnectionStrings__*: the cluster the verb starts is the only Redis it can use.
        var result = await ProcessRunner.RunStockDataBenchAsync(
            ["limiter", "--redis-cluster", "--replicas", "2", "--rate", "20", "--seconds", "4", "--warmup", "0", "--json"],
            timeout: TimeSpan.FromMinutes(3), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        using var report = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]);
        var utilization = report.RootElement.GetProperty("utilization").GetDouble();
        Assert.InRange(utilization, 0.3, 1.0);
        // Two workers each on a bucket of its own would send about twice the simulator's limit: some 70 429s in 4 s.
        // Shared on the cluster, a cold start on a busy machine may cost one or two at most.
        Assert.True(report.RootElement.GetProperty("responses_429").GetInt64() < 10, result.StandardOutput);
        Assert.True(report.RootElement.GetProperty("acquire_p50_ms").GetDouble() > 0);
    }
}
