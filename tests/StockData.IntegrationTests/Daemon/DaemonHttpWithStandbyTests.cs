using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// <see cref="DaemonHttpTests"/> with the worker's reads on a streaming standby: <c>refresh=true</c> and the reads right
/// after it (of what the worker just wrote) must answer from the primary.
/// </summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class DaemonHttpWithStandbyTests(StandbyFixture postgres, RedisFixture redis)
    : DaemonHttpTests(postgres, redis), IClassFixture<StandbyFixture>;
