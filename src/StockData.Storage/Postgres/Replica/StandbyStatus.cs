namespace StockData.Storage.Postgres.Replica;

/// <summary>
/// What a probe of the standby saw: the WAL position it has replayed (0 when it is not in recovery, i.e. not a standby:
/// no write of this process can be proven there), and the seconds since the last transaction it replayed committed on
/// the primary (null before the first).
/// </summary>
public sealed record StandbyStatus(ulong ReplayLsn, bool InRecovery, double? SecondsSinceLastReplay);

/// <summary>
/// Replication lag: <paramref name="Bytes"/> of WAL the primary has inserted that the standby has not replayed, and
/// <paramref name="Seconds"/>: 0 when nothing is outstanding, else the age of the last replayed transaction (an idle
/// primary is not counted as lag).
/// </summary>
public sealed record StandbyLag(double Seconds, long Bytes);
