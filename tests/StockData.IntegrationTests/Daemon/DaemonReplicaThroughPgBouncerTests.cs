using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// <see cref="DaemonReplicaTests"/> with the three replicas (and <c>migrate</c>) connected through PgBouncer in
/// transaction mode: 3 × 20 pooled connections share PgBouncer's 4 server backends.
/// </summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class DaemonReplicaThroughPgBouncerTests(PgBouncerFixture postgres, RedisFixture redis)
    : DaemonReplicaTests(postgres, redis), IClassFixture<PgBouncerFixture>;
