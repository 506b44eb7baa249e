using Npgsql;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// The server a benchmark ran against, with the three settings that decide how much a commit costs: the test servers
/// turn them off (scripts/services.sh), PostgreSQL's defaults and every production server keep them on, and a writer
/// that commits per batch gains more from them than one COPY does, so every result says which it had.
/// </summary>
internal sealed record BenchServer(string Version, string Host, int Port, string Fsync, string SynchronousCommit, string FullPageWrites)
{
    public bool Durable => Fsync == "on" && SynchronousCommit != "off" && FullPageWrites == "on";

    public static async Task<BenchServer> ReadAsync(NpgsqlDataSource dataSource, string? connectionString, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new BenchServer(reader.GetString(0), builder.Host ?? "", builder.Port, reader.GetString(1), reader.GetString(2), reader.GetString(3));
    }

    public override string ToString() =>
        $"PostgreSQL {Version} at {Host}:{Port}, fsync={Fsync}, synchronous_commit={SynchronousCommit}, full_page_writes={FullPageWrites} " +
        (Durable ? "(durable: PostgreSQL's defaults)" : "(NOT durable: figures flatter per-batch commits; see docs/performance.md)");

    public Dictionary<string, object> ToJson() => new()
    {
        ["version"] = Version,
        ["fsync"] = Fsync,
        ["synchronous_commit"] = SynchronousCommit,
        ["full_page_writes"] = FullPageWrites,
        ["durable"] = Durable,
    };
}
