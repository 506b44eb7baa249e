using DotNet.Testcontainers.Containers;

namespace StockData.TestSupport;

/// <summary>
/// A real Redis Cluster (STOCKDATA_TEST_REDIS_CLUSTER: its nodes, comma-separated, as scripts/services.sh's
/// sd_redis_cluster_up exports them: three masters, one replica each). No container fallback: a cluster is six
/// processes, which the script starts on any machine with redis-server. Missing under CI: a failure, not a skip.
/// </summary>
public sealed class RedisClusterFixture() : RedisFixture("STOCKDATA_TEST_REDIS_CLUSTER")
{
    protected override IContainer BuildContainer() => throw new NotSupportedException(
        "no container for a Redis Cluster: start one with `. scripts/services.sh; sd_redis_cluster_up` (or SD_NEED_REDIS_CLUSTER=1 sd_services_up)");

    protected override string ContainerConnectionString(IContainer container) => throw new NotSupportedException();
}
