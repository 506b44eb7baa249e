using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres.Replica;

/// <summary>
/// Decides, per read, between the primary and the standby (<c>ConnectionStrings:PostgresRead</c>), and keeps what the
/// decision needs: the standby's last seen replay position, whether it is down, and reads served per server.
/// </summary>
/// <remarks>
/// Rules: no standby, or a read that needs current data (<c>refresh=true</c>): the primary. A read of symbols this
/// process wrote: the standby only once it has replayed past that write (<see cref="WriteFence"/>; one probe when the
/// last seen position is older). A standby that failed a read or probe is skipped for
/// <see cref="StorageOptions.StandbyRetryAfter"/> (a short circuit: requests meanwhile go to the primary at once rather
/// than each waiting for a connect attempt); the first read after that tries it again, and so does the lag sampler.
/// </remarks>
public sealed class ReadRouter(
    ReadDataSource read,
    WriteFence fence,
    NpgsqlDataSource primary,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<ReadRouter> logger)
{
    /// <summary>How long a probe may take: a standby slower than this to say its position is treated as down.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _retryAfter = options.Value.StandbyRetryAfter;
    private readonly Lock _lock = new();
    private long _replayed;
    private long _primaryReads;
    private long _standbyReads;
    private bool _down;
    private DateTimeOffset _retryAt;

    /// <summary>Whether a standby is configured.</summary>
    public bool Configured => read.Standby is not null;

    /// <summary>host:port of the standby.</summary>
    public string? StandbyName => read.Name;

    /// <summary>True from a failed read or probe of the standby until one succeeds.</summary>
    public bool StandbyDown
    {
        get
        {
            lock (_lock)
            {
                return _down;
            }
        }
    }

    /// <summary>Why the standby was last marked down (first line of the error).</summary>
    public string? LastError { get; private set; }

    /// <summary>The standby's replay position as last seen.</summary>
    public ulong Replayed => (ulong)Interlocked.Read(ref _replayed);

    /// <summary>Reads answered by <paramref name="target"/> since start (the <c>stockdata_store_reads_total</c> counter).</summary>
    public long ReadsServed(ReadTarget target) =>
        Interlocked.Read(ref target == ReadTarget.Standby ? ref _standbyReads : ref _primaryReads);

    /// <summary>Where a read of <paramref name="symbols"/> (null: all) goes; <paramref name="fresh"/> forces the primary.</summary>
    public async ValueTask<ReadTarget> ChooseAsync(IReadOnlyCollection<string>? symbols, bool fresh, CancellationToken cancellationToken)
    {
        if (read.Standby is null || fresh)
        {
            return ReadTarget.Primary;
        }

        lock (_lock)
        {
            if (_down && time.GetUtcNow() < _retryAt)
            {
                return ReadTarget.Primary;
            }
        }

        var required = fence.Required(symbols);
        if (required == 0 || Replayed >= required)
        {
            return ReadTarget.Standby;
        }

        // The standby was last seen behind this process's write of these symbols: ask it where it is now.
        var status = await ProbeAsync(cancellationToken);
        return status is not null && status.ReplayLsn >= required ? ReadTarget.Standby : ReadTarget.Primary;
    }

    /// <summary>Counts a read answered by <paramref name="target"/>; an answer from the standby means it is up.</summary>
    public void Served(ReadTarget target)
    {
        if (target == ReadTarget.Standby)
        {
            Interlocked.Increment(ref _standbyReads);
            MarkUp();
        }
        else
        {
            Interlocked.Increment(ref _primaryReads);
        }
    }

    /// <summary>A read on the standby failed for want of the server: skip it for a while, and drop its idle connections.</summary>
    public void StandbyFailed(Exception exception) => MarkDown(exception);

    /// <summary>Asks the standby for its replay position (bounded by <see cref="ProbeTimeout"/>); null when it cannot answer.</summary>
    public async Task<StandbyStatus?> ProbeAsync(CancellationToken cancellationToken)
    {
        if (read.Standby is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await using var command = read.Standby.CreateCommand("""
                SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
                """);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            var status = new StandbyStatus(
                reader.IsDBNull(1) ? 0 : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1),
                reader.GetBoolean(0),
                reader.IsDBNull(2) ? null : reader.GetDouble(2));
            ulong seen;
            while ((seen = Replayed) < status.ReplayLsn
                   && Interlocked.CompareExchange(ref _replayed, (long)status.ReplayLsn, (long)seen) != (long)seen)
            {
            }

            MarkUp();
            return status;
        }
        catch (Exception ex) when (IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
        {
            MarkDown(ex);
            return null;
        }
    }

    /// <summary>
    /// The replication lag now: the standby's probe and the primary's insert position (one query each); null when the
    /// standby cannot answer.
    /// </summary>
    public async Task<StandbyLag?> SampleLagAsync(CancellationToken cancellationToken)
    {
        var status = await ProbeAsync(cancellationToken);
        if (status is null)
        {
            return null;
        }

        await using var command = primary.CreateCommand("SELECT pg_current_wal_insert_lsn()");
        var inserted = (ulong)(NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
        var bytes = status.InRecovery && inserted > status.ReplayLsn ? (long)(inserted - status.ReplayLsn) : 0;
        return new StandbyLag(bytes == 0 ? 0 : Math.Max(0, status.SecondsSinceLastReplay ?? 0), bytes);
    }

    /// <summary>
    /// Failures that mean the standby cannot answer now (so the primary should): no connection, a cut one, a timeout,
    /// a server shutting down or starting up, or a query cancelled by a recovery conflict.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        TimeoutException => true,
        OperationCanceledException => true,
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.TooManyConnections
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => false,
    };

    private void MarkUp()
    {
        lock (_lock)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
        }

        StorageLog.StandbyBack(logger, read.Name!);
    }

    private void MarkDown(Exception exception)
    {
        var reason = exception.Message.Split('\n')[0];
        bool wasDown;
        lock (_lock)
        {
            wasDown = _down;
            _down = true;
            _retryAt = time.GetUtcNow() + _retryAfter;
            LastError = reason;
        }

        // Idle connections to a server that went away fail at their next use: drop them, so the retry opens fresh ones.
        read.Standby?.Clear();
        if (!wasDown)
        {
            StorageLog.StandbyDown(logger, read.Name!, reason, _retryAfter);
        }
    }
}
