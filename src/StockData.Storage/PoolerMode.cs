namespace StockData.Storage;

/// <summary>What sits between the process and PostgreSQL (<see cref="StorageOptions.Pooler"/>).</summary>
public enum PoolerMode
{
    /// <summary>A direct connection, or a pooler in session mode: one server backend per open connection.</summary>
    None,

    /// <summary>A pooler in transaction mode: consecutive transactions of one connection may run on different backends.</summary>
    Transaction,
}
