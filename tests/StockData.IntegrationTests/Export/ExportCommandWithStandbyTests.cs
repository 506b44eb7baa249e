using StockData.TestSupport;

namespace StockData.IntegrationTests.Export;

/// <summary>
/// <see cref="ExportCommandTests"/> with <c>export</c> reading from a streaming standby (ConnectionStrings:PostgresRead).
/// In the process collection: <see cref="Daemon.DaemonReadReplicaTests"/> stops and pauses the shared standby.
/// </summary>
[Collection(Infrastructure.ProcessCollection.Name)]
public sealed class ExportCommandWithStandbyTests(StandbyFixture postgres)
    : ExportCommandTests(postgres), IClassFixture<StandbyFixture>;
