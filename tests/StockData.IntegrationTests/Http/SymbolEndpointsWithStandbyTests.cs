using StockData.TestSupport;

namespace StockData.IntegrationTests.Http;

/// <summary><see cref="SymbolEndpointsTests"/> with the worker's reads on a streaming standby (ConnectionStrings:PostgresRead).</summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class SymbolEndpointsWithStandbyTests(StandbyFixture postgres, RedisFixture redis)
    : SymbolEndpointsTests(postgres, redis), IClassFixture<StandbyFixture>;
