using System.Collections.Concurrent;

namespace StockData.Storage.Postgres.Replica;

/// <summary>
/// Read-your-writes for the standby: per symbol, the primary's WAL insert position just after this process's last
/// committed write of it. A read of those symbols may go to the standby only once the standby has replayed up to
/// there (<see cref="ReadRouter"/>). Only this process's writes: another replica's are its own to fence.
/// </summary>
/// <remarks>
/// An LSN rather than a time window: a window must be sized for the worst lag ever seen and still fails a read once
/// the lag exceeds it, while the LSN comparison is exact whatever the lag, and costs one round trip per written
/// batch (<c>pg_current_wal_insert_lsn()</c>) only when a standby is configured. The insert position, not the write
/// position: with <c>synchronous_commit = off</c> the commit record may not be written yet when COMMIT returns.
/// One entry per symbol ever written: bounded by the universe.
/// </remarks>
public sealed class WriteFence(ReadDataSource read)
{
    private readonly ConcurrentDictionary<string, ulong> _bySymbol = new(StringComparer.Ordinal);
    private long _latest;
    private long _everything;

    /// <summary>Whether there is a standby to fence reads from (else the writer skips the LSN query).</summary>
    public bool Enabled => read.Standby is not null;

    /// <summary>The latest write position of this process, any symbol.</summary>
    public ulong Latest => (ulong)Interlocked.Read(ref _latest);

    public void Record(IEnumerable<string> symbols, ulong lsn)
    {
        foreach (var symbol in symbols)
        {
            _bySymbol.AddOrUpdate(symbol, lsn, (_, old) => Math.Max(old, lsn));
        }

        Raise(ref _latest, lsn);
    }

    /// <summary>A write every read depends on (a migration's new tables): no read goes to a standby behind it.</summary>
    public void RecordEverything(ulong lsn)
    {
        Raise(ref _everything, lsn);
        Raise(ref _latest, lsn);
    }

    /// <summary>
    /// The position the standby must have replayed before it may answer a read of <paramref name="symbols"/> (null: a
    /// read across all symbols, such as the coverage list); 0 when this process never wrote them.
    /// </summary>
    public ulong Required(IReadOnlyCollection<string>? symbols)
    {
        if (symbols is null)
        {
            return Latest;
        }

        var required = (ulong)Interlocked.Read(ref _everything);
        foreach (var symbol in symbols)
        {
            if (_bySymbol.TryGetValue(symbol, out var lsn) && lsn > required)
            {
                required = lsn;
            }
        }

        return required;
    }

    private static void Raise(ref long position, ulong lsn)
    {
        long seen;
        while ((ulong)(seen = Interlocked.Read(ref position)) < lsn && Interlocked.CompareExchange(ref position, (long)lsn, seen) != seen)
        {
        }
    }
}
