using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><see cref="BarsCommandProcessTests"/> with <c>stockdata bars</c> reading from a streaming standby (ConnectionStrings:PostgresRead).</summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class BarsCommandProcessWithStandbyTests(StandbyFixture postgres, RedisFixture redis)
    : BarsCommandProcessTests(postgres, redis), IClassFixture<StandbyFixture>;
