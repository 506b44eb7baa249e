using Npgsql;

namespace StockData.Storage.Postgres.Replica;

/// <summary>
/// The standby's data source (<c>ConnectionStrings:PostgresRead</c>), or none: a wrapper so the primary's
/// <see cref="NpgsqlDataSource"/> stays the one unkeyed data source every writer and lease takes from DI.
/// </summary>
public sealed class ReadDataSource(NpgsqlDataSource? standby, string? name) : IAsyncDisposable
{
    /// <summary>The standby's pool; null when no read replica is configured.</summary>
    public NpgsqlDataSource? Standby { get; } = standby;

    /// <summary>host:port of the standby (what <c>/readyz</c> and the logs name; never the password).</summary>
    public string? Name { get; } = name;

    public ValueTask DisposeAsync() => Standby?.DisposeAsync() ?? ValueTask.CompletedTask;
}
