using Npgsql;
using StockData.Storage.Postgres.Replica;

namespace StockData.UnitTests.Storage.Postgres.Replica;

/// <summary>
/// Read-your-writes positions: a read of several symbols needs the latest write of any of them, symbols never written
/// need nothing, a read of all symbols needs the latest write of any, a migration's position floors every read, and
/// positions never go back.
/// </summary>
public sealed class WriteFenceTests
{
    [Fact]
    public void Required_TheLatestWriteOfTheSymbolsRead()
    {
        var fence = new WriteFence(new ReadDataSource(null, null));
        fence.Record(["AAA", "BBB"], 100);
        fence.Record(["BBB"], 250);
        fence.Record(["AAA"], 90); // an older position (batches commit out of order) never lowers one

        Assert.Equal(100UL, fence.Required(["AAA"]));
        Assert.Equal(250UL, fence.Required(["AAA", "BBB"]));
        Assert.Equal(0UL, fence.Required(["CCC"]));
        Assert.Equal(250UL, fence.Required(null));
        Assert.False(fence.Enabled);
    }

    [Fact]
    public void RecordEverything_FloorsEveryRead()
    {
        var fence = new WriteFence(new ReadDataSource(null, null));
        fence.Record(["AAA"], 500);
        fence.RecordEverything(300);

        Assert.Equal(300UL, fence.Required(["ZZZ"]));
        Assert.Equal(500UL, fence.Required(["AAA"]));
        Assert.Equal(500UL, fence.Latest);
    }

    [Fact]
    public void IsUnreachable_ConnectionAndServerStateFailures_NotQueryErrors()
    {
        Assert.True(ReadRouter.IsUnreachable(new NpgsqlException("Failed to connect to 127.0.0.1:5433", new System.Net.Sockets.SocketException(111))));
        Assert.True(ReadRouter.IsUnreachable(new TimeoutException()));
        Assert.True(ReadRouter.IsUnreachable(Postgres(PostgresErrorCodes.AdminShutdown)));
        Assert.True(ReadRouter.IsUnreachable(Postgres(PostgresErrorCodes.CannotConnectNow)));
        Assert.True(ReadRouter.IsUnreachable(Postgres(PostgresErrorCodes.SerializationFailure))); // a recovery conflict
        Assert.False(ReadRouter.IsUnreachable(Postgres(PostgresErrorCodes.UndefinedTable)));
        Assert.False(ReadRouter.IsUnreachable(new InvalidOperationException()));
    }

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
