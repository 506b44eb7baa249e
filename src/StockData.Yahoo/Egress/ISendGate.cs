namespace StockData.Yahoo.Egress;

/// <summary>
/// A check a chart connection runs just before it writes a request's first bytes: the latest moment the process can
/// still hold a request back. The fetch layer implements it to keep its rate-limiter slots (a request gone late for
/// its slot waits for a new one); the Yahoo client only calls it.
/// </summary>
/// <remarks>
/// Everything before this point can stall after a slot fell due, and a cold process stalls most where nothing else
/// looks: opening its first connections (measured: ten replica processes starting at once on two cores sent requests
/// 10–26 ms apart where their slots were 39–52 ms apart, and the upstream answered 429; with each process's connections
/// opened beforehand, none). A check in a message handler runs before the connection is even taken from the pool;
/// this one runs after.
/// </remarks>
public interface ISendGate
{
    /// <summary>
    /// Called before every write on a chart connection, in the flow of the request that writes. Returns at once when
    /// the request needs no check or was checked already; otherwise it may wait (for a new slot) before the bytes go.
    /// </summary>
    ValueTask BeforeWriteAsync(CancellationToken cancellationToken);
}
