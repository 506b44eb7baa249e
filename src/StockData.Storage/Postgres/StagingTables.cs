using System.Collections.Concurrent;
using Npgsql;

namespace StockData.Storage.Postgres;

/// <summary>
/// The writer's TEMP staging tables, created once per physical connection (server backend) and emptied by
/// <c>ON COMMIT DELETE ROWS</c>. Which backends already have them is tracked by backend process id: a pooled
/// connection that comes back with a new id is a new physical connection (the old one broke or was pruned), and gets
/// the tables created before its first batch. A staged row carries the batch's values and, for a changed row, the
/// identity of the stored row version it replaces (<c>o_ctid</c>, <c>o_xmin</c>, read by <see cref="BarDiff"/>; null
/// for a new row).
/// </summary>
/// <remarks>
/// Measured here (docs/performance.md, Writer): emptying by ON COMMIT DELETE ROWS truncates in place (same
/// relfilenode, no catalog write) and cost 2.5 ms per 5,000-row cycle; an explicit TRUNCATE 2.9 ms plus a new
/// pg_class row version per batch; DELETE 39 ms, because the dead rows are never vacuumed (autovacuum skips temp
/// tables) and every later scan reads them. CREATE/DROP per batch writes ~74 catalog tuples
/// (docs/postgres-upsert.md A7). The tables survive the connection's return to the pool only because the data
/// source sets No Reset On Close (StorageServiceCollectionExtensions).
/// Behind a pooler in transaction mode (<see cref="PoolerMode.Transaction"/>) a connection's next transaction may run
/// on another backend, so there the tables are created inside the transaction that stages, <c>ON COMMIT DROP</c>
/// (<see cref="CreateForTransactionAsync"/>), and only for the family that has rows to stage: the catalog writes come
/// back, but nothing outlives the transaction (cost in docs/scaling.md, PgBouncer).
/// </remarks>
public sealed class StagingTables
{
    public const string Daily = "pg_temp.stockdata_daily_stage";
    public const string Intraday = "pg_temp.stockdata_intraday_stage";

    // varchar(32), not text (symbols are at most 32 characters, BarBatchPlan): a row of bounded width gets no TOAST
    // table, and ON COMMIT DELETE ROWS truncates a table's TOAST table and rebuilds its index at every commit that
    // touched a temp table. Measured in psql: COMMIT after staging 5,000 rows 0.17–0.21 ms without, 0.65–3.4 ms with.
    private const string Columns = """
        (symbol varchar(32) NOT NULL, interval varchar(32) NOT NULL, trade_date date NOT NULL, ts timestamptz NOT NULL,
         open float8 NOT NULL, high float8 NOT NULL, low float8 NOT NULL, close float8 NOT NULL,
         adj_close float8, volume bigint, o_ctid tid, o_xmin xid)
        """;

    private const string Definition = Columns + " ON COMMIT DELETE ROWS";

    private readonly ConcurrentDictionary<int, bool> _backends = new();

    /// <summary>Backends known to hold the staging tables.</summary>
    public int KnownBackends => _backends.Count;

    /// <summary>Creates the tables when this connection's backend is new to the writer; returns true when it did.</summary>
    public async Task<bool> EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var pid = connection.ProcessID;
        if (_backends.ContainsKey(pid))
        {
            return false;
        }

        // IF NOT EXISTS: a reused process id may be stale knowledge either way; the statement is idempotent.
        await using var command = new NpgsqlCommand(
            $"CREATE TEMP TABLE IF NOT EXISTS {Daily} {Definition}; CREATE TEMP TABLE IF NOT EXISTS {Intraday} {Definition}",
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _backends[pid] = true;
        return true;
    }

    /// <summary>
    /// Creates one family's staging table for this transaction only (<c>ON COMMIT DROP</c>; a rollback drops it too):
    /// the staging of a pooler in transaction mode, where nothing may outlive the transaction.
    /// </summary>
    public static async Task CreateForTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool daily,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"CREATE TEMP TABLE {(daily ? Daily : Intraday)} {Columns} ON COMMIT DROP", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets a backend (it broke, or its tables were found missing).</summary>
    public void Forget(int pid) => _backends.TryRemove(pid, out _);
}
