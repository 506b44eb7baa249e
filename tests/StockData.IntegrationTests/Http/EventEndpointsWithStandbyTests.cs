using StockData.TestSupport;

namespace StockData.IntegrationTests.Http;

/// <summary><see cref="EventEndpointsTests"/> with the worker's reads on a streaming standby (ConnectionStrings:PostgresRead).</summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class EventEndpointsWithStandbyTests(StandbyFixture postgres, RedisFixture redis)
    : EventEndpointsTests(postgres, redis), IClassFixture<StandbyFixture>;
