using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary><see cref="DaemonBarsTests"/> with the worker's reads on a streaming standby (ConnectionStrings:PostgresRead).</summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class DaemonBarsWithStandbyTests(StandbyFixture postgres, RedisFixture redis)
    : DaemonBarsTests(postgres, redis), IClassFixture<StandbyFixture>;
