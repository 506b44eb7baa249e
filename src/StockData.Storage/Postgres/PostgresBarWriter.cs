using System.Collections.Concurrent;
using System.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StockData.Core;
using StockData.Storage.Postgres.Quality;

namespace StockData.Storage.Postgres;

/// <summary>
/// The COPY-merge bar writer. Per batch, one transaction on a pooled connection of the one data source: a read of the
/// stored rows in the batch's key ranges (<see cref="BarDiff"/>), binary COPY of only the new and changed rows into
/// a per-connection TEMP staging table and one merge statement per interval family (<see cref="BarWriterSql.Merge"/>:
/// update the changed rows by row id, insert the new ones); or, for fresh history, COPY straight into the bars table.
/// Then the events, the symbol rows and the watermarks, sent together in one round trip.
/// </summary>
/// <remarks>
/// Measured on this machine with Npgsql (docs/postgres-upsert.md B3): the staged merge at 5,000 rows per transaction
/// runs at 0.34× raw COPY on new rows, 0.43× on unchanged rows and 0.19× when every row changes; COPY straight into
/// the table 0.73×. Our own figures are in docs/performance.md (Writer).
/// </remarks>
public sealed class PostgresBarWriter(
    NpgsqlDataSource dataSource,
    SchemaSql schemaSql,
    IOptions<StorageOptions> storageOptions,
    IOptions<BarWriterOptions> writerOptions,
    TimeProvider timeProvider,
    ILogger<PostgresBarWriter> logger,
    Replica.WriteFence fence) : IBarWriter
{
    // Rounds of the by-key merge before a batch gives up (MergeByKeyAsync): without concurrent deletes two always do.
    private const int MaxByKeyRounds = 5;

    private readonly FetchOrderGate _gate = new();
    private readonly StagingTables _staging = new();

    // (symbol, interval) pairs known to have stored history, so most batches skip the fast-path prediction query (one
    // round trip per batch; round trips are what a loaded 2-core box makes expensive). Knowledge only grows: if history
    // is deleted behind the writer's back, those symbols take the merge, which is right whatever is stored.
    private readonly ConcurrentDictionary<(string Symbol, string Interval), byte> _withHistory = new();
    private readonly BarWriterOptions _options = writerOptions.Value;
    private readonly bool _keepRevisions = storageOptions.Value.KeepRevisions;
    private readonly TimeSpan _copyTimeout = storageOptions.Value.CommandTimeout;
    private readonly bool _stagingPerTransaction = storageOptions.Value.Pooler == PoolerMode.Transaction;

    /// <summary>Backends holding the staging tables (tests: detection of new physical connections).</summary>
    internal int StagedBackends => _staging.KnownBackends;

    /// <summary>Fetches with chunks still in flight (tests: the ordering gate lets go of finished fetches).</summary>
    internal int TrackedFetches => _gate.TrackedFetches;

    public async Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        BarBatchPlan plan;
        try
        {
            plan = BarBatchPlan.Create(batch);
        }
        catch (ArgumentException)
        {
            // A refused batch still counts as handed: release the batches waiting for its chunks.
            _gate.Exit(BarBatchPlan.Spans(batch), committed: false);
            throw;
        }

        // The batch's turn: every earlier chunk of its fetches done. Not awaited here but after the batch's COPY, so with
        // WriteConcurrency > 1 this batch's COPY runs while the batch before it (holding the same fetch's earlier rows)
        // finishes; its symbol rows, watermarks and commit still come after that batch's.
        var turn = _gate.EnterAsync(plan.Fetches, _options.FetchOrderTimeout, timeProvider,
            span => StorageLog.FetchOrderTimeout(logger, span.FetchId, span.Symbol, span.Interval.Token, span.FirstOffset,
                _options.FetchOrderTimeout),
            cancellationToken);
        var committed = false;
        try
        {
            var result = await WriteWithRetriesAsync(plan, turn, cancellationToken);
            committed = true;
            return result;
        }
        finally
        {
            // A batch that failed before its turn is still done only after the batches before it: the gate moves a
            // fetch's progress forward in order.
            await ((Task)turn).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _gate.Exit(plan.Fetches, committed);
        }
    }

    private async Task<WriteResult> WriteWithRetriesAsync(BarBatchPlan plan, Task<bool[]> turn, CancellationToken cancellationToken)
    {
        var maxAttempts = _options.MaxRetries + 1;
        var useFastPath = _options.FastPath;
        var stagingRecreated = false;
        var attempts = 0;
        var transientFailures = 0;
        var waitedForTurn = false;
        while (true)
        {
            if (!waitedForTurn)
            {
                attempts++;
            }

            waitedForTurn = false;
            var pid = 0;
            NpgsqlConnection? connection = null;
            try
            {
                connection = await dataSource.OpenConnectionAsync(cancellationToken);
                pid = connection.ProcessID;
                if (!_stagingPerTransaction && await _staging.EnsureAsync(connection, cancellationToken))
                {
                    StorageLog.StagingCreated(logger, pid);
                }

                var (end, result) = await WriteOnceAsync(connection, plan, turn, useFastPath, attempts, cancellationToken);
                switch (end)
                {
                    case AttemptEnd.Committed:
                        return result!;
                    case AttemptEnd.FastPathConflict:
                        // The fresh-history COPY met a row that is already stored: a concurrent writer got there first, or
                        // the symbol has rows without a watermark (a fetch cut off mid-way). The transaction rolled back;
                        // redo the whole batch through the merge, which is right whatever is stored.
                        useFastPath = false;
                        break;
                    default:
                        // The batch before it took longer than OverlapWait: rolled back, wait holding nothing, then redo
                        // (the same attempt: nothing failed).
                        await connection.DisposeAsync();
                        connection = null;
                        await turn;
                        waitedForTurn = true;
                        break;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable && !stagingRecreated && pid != 0)
            {
                // The session lost its temp tables although the backend is known (a DISCARD, or a reused process id).
                StorageLog.StagingMissing(logger, pid);
                _staging.Forget(pid);
                stagingRecreated = true;
            }
            catch (Exception ex) when (IsTransient(ex, connection) && !cancellationToken.IsCancellationRequested)
            {
                if (pid != 0 && connection?.FullState.HasFlag(ConnectionState.Broken) != false)
                {
                    _staging.Forget(pid);
                }

                transientFailures++;
                if (transientFailures >= maxAttempts)
                {
                    throw Failure(plan, ex, retriesExhausted: true, attempts);
                }

                // A fast-path attempt that failed transiently (two fresh-history writers can deadlock on each other's
                // uncommitted keys) is retried through the merge, which cannot meet the same conflict.
                useFastPath = false;
                var delay = Backoff(transientFailures);
                StorageLog.WriteRetry(logger, plan.DailyRows + plan.IntradayRows, Describe(plan.SymbolNames), transientFailures, maxAttempts,
                    FirstLine(ex.Message), delay);
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }

                await Task.Delay(delay, timeProvider, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw Failure(plan, ex, retriesExhausted: false, attempts);
            }
            finally
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    /// <summary>
    /// One transaction: the rows first (COPY into the bars or the stage), then, once it is the batch's turn, the merges,
    /// events, symbol rows and watermarks, and the commit. Ends without writing anything when the fast path met an
    /// existing row, or when the turn did not come within <see cref="BarWriterOptions.OverlapWait"/> (both rolled back).
    /// </summary>
    private async Task<(AttemptEnd End, WriteResult? Result)> WriteOnceAsync(NpgsqlConnection connection, BarBatchPlan plan,
        Task<bool[]> turn, bool useFastPath, int attempt, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var (dailyFresh, intradayFresh, writerCounts) = useFastPath
            ? await FreshFamiliesAsync(connection, transaction, plan, cancellationToken)
            : (false, false, false);

        var mergeDaily = plan.DailyRows > 0 && !dailyFresh;
        var mergeIntraday = plan.IntradayRows > 0 && !intradayFresh;
        var (dailyStaged, intradayStaged) = mergeDaily || mergeIntraday
            ? await ChangesAsync(connection, transaction, plan, mergeDaily, mergeIntraday, cancellationToken)
            : ([], []);

        try
        {
            if (dailyFresh)
            {
                await BarCopy.CopyAsync(connection, schemaSql.Table("daily_bars"), plan.DailyGroups, _copyTimeout, cancellationToken);
            }
            else if (dailyStaged.Count > 0)
            {
                await CreateStagingForTransactionAsync(connection, transaction, daily: true, cancellationToken);
                await BarCopy.CopyStagedAsync(connection, StagingTables.Daily, dailyStaged, _copyTimeout, cancellationToken);
            }

            if (intradayFresh)
            {
                await BarCopy.CopyAsync(connection, schemaSql.Table("intraday_bars"), plan.IntradayGroups, _copyTimeout, cancellationToken);
            }
            else if (intradayStaged.Count > 0)
            {
                await CreateStagingForTransactionAsync(connection, transaction, daily: false, cancellationToken);
                await BarCopy.CopyStagedAsync(connection, StagingTables.Intraday, intradayStaged, _copyTimeout, cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && (dailyFresh || intradayFresh))
        {
            StorageLog.FastPathConflict(logger, Describe(plan.SymbolNames), FirstLine(ex.Message));
            return (AttemptEnd.FastPathConflict, null);
        }

        bool[] ordered;
        try
        {
            // Waiting here holds this transaction's new rows (no lock an earlier batch needs: the COPYs above counted
            // nothing in bar_counts), but only for a while, in case some other wait closes a cycle through it.
            ordered = await turn.WaitAsync(_options.OverlapWait, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            StorageLog.TurnWaitRolledBack(logger, Describe(plan.SymbolNames), _options.OverlapWait);
            await transaction.RollbackAsync(cancellationToken);
            return (AttemptEnd.WaitForTurn, null);
        }

        // Rows COPYed straight into a bars table are inserted; staged rows are counted by the merge below.
        long inserted = (dailyFresh ? plan.DailyRows : 0) + (intradayFresh ? plan.IntradayRows : 0);
        long updated = 0;

        var completions = Completions(plan, ordered);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (writerCounts)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(BarWriterSql.TriggerCounts));
        }

        if (dailyFresh || intradayFresh)
        {
            batch.BatchCommands.Add(CountFresh([.. dailyFresh ? plan.DailyGroups : [], .. intradayFresh ? plan.IntradayGroups : []]));
        }

        if (mergeDaily || mergeIntraday)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.NestedLoopsOnly)));
        }

        if (dailyStaged.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.Merge(daily: true, _keepRevisions))));
        }

        if (intradayStaged.Count > 0)
        {
            // One UPDATE per month partition the changed rows are in, each pruned to it at plan time (BarWriterSql.MonthOf).
            var months = ChangedMonths(intradayStaged);
            var merge = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.Merge(daily: false, _keepRevisions, months.Count)));
            foreach (var (interval, month) in months)
            {
                merge.Parameters.Add(new NpgsqlParameter { Value = interval, NpgsqlDbType = NpgsqlDbType.Text });
                merge.Parameters.Add(new NpgsqlParameter { Value = month, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                merge.Parameters.Add(new NpgsqlParameter { Value = month.AddMonths(1), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            }

            batch.BatchCommands.Add(merge);
        }

        // After the merges: flags responses that lacked stored rows or events (docs/data-quality.md); inserts flags only, returns
        // nothing. Before the planner settings are restored: it joins parameter arrays to bars, kept to nested loops too.
        foreach (var check in ResponseCheck.Commands(schemaSql, plan.Source, dailyFresh, intradayFresh))
        {
            batch.BatchCommands.Add(check);
        }

        if (mergeDaily || mergeIntraday)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.JoinsRestored)));
        }

        var eventCommands = AddEventCommands(batch, plan);
        // Dates Yahoo answered with an all-null row (marked) and marks a stored bar now answers (cleared); no rows returned.
        foreach (var command in NullRowMarks.Commands(schemaSql, plan))
        {
            batch.BatchCommands.Add(command);
        }

        AddSymbolCommands(batch, plan, completions);

        var watermarks = new Dictionary<(string, string), (DateTimeOffset? Watermark, bool Pending)>();
        var missed = new Dictionary<bool, long>(); // per family (daily?): staged rows the merge left alone
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            if (mergeDaily || mergeIntraday)
            {
                await reader.NextResultAsync(cancellationToken); // NestedLoopsOnly's row
            }

            foreach (var (daily, expected) in new[] { (true, dailyStaged.Count), (false, intradayStaged.Count) })
            {
                if (expected == 0)
                {
                    continue;
                }

                await reader.ReadAsync(cancellationToken);
                inserted += reader.GetInt64(0);
                updated += reader.GetInt64(1);
                if (reader.GetInt64(2) != expected)
                {
                    // The staged rows must be seen by the merge in the same transaction; anything else is a bug here.
                    throw new InvalidOperationException($"The merge saw {reader.GetInt64(2)} staged rows, {expected} were COPYed.");
                }

                if (reader.GetInt64(3) > 0)
                {
                    missed[daily] = reader.GetInt64(3);
                }

                await reader.NextResultAsync(cancellationToken);
            }

            if (mergeDaily || mergeIntraday)
            {
                await reader.NextResultAsync(cancellationToken); // JoinsRestored's row
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                var watermark = reader.IsDBNull(2) ? (DateTimeOffset?)null : new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero);
                watermarks[(reader.GetString(0), reader.GetString(1))] = (watermark, reader.GetBoolean(3));
            }
        }

        if (missed.Count > 0)
        {
            StorageLog.MergeByKeyFallback(logger, Describe(plan.SymbolNames), missed.Values.Sum());
            var (again, againUpdated) = await MergeByKeyAsync(connection, transaction, missed.Keys, cancellationToken);
            inserted += again;
            updated += againUpdated;
        }

        var eventsChanged = eventCommands.Sum(c => c.RecordsAffected);
        await transaction.CommitAsync(cancellationToken);
        if (fence.Enabled)
        {
            // Where the primary's WAL stands after this commit: reads of these symbols wait for the standby to pass it.
            await using var position = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", connection);
            fence.Record(plan.SymbolNames, (ulong)(NpgsqlLogSequenceNumber)(await position.ExecuteScalarAsync(cancellationToken))!);
        }

        var fetches = new List<FetchCommit>();
        for (var i = 0; i < plan.Fetches.Count; i++)
        {
            var span = plan.Fetches[i];
            if (span.ContainsLast)
            {
                var (watermark, pending) = watermarks.GetValueOrDefault((span.Symbol, span.Interval.Token));
                if (watermark is not null)
                {
                    _withHistory[(span.Symbol, span.Interval.Token)] = 0;
                }

                fetches.Add(new FetchCommit(span.FetchId, span.Symbol, span.Interval, ordered[i], watermark, pending));
            }
        }

        var distinctRows = plan.DailyRows + plan.IntradayRows;
        return (AttemptEnd.Committed, new WriteResult((int)inserted, (int)updated, distinctRows - (int)inserted - (int)updated,
            plan.Superseded, (int)eventsChanged, fetches, dailyFresh || intradayFresh, attempt));
    }

    private enum AttemptEnd
    {
        Committed,
        FastPathConflict,
        WaitForTurn,
    }

    private NpgsqlBatchCommand CountFresh(IReadOnlyList<BarGroup> groups)
    {
        var command = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.CountFresh));
        command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Symbol), NpgsqlDbType.Text));
        command.Parameters.Add(ArrayParameter.Of(groups.Select(g => g.Interval), NpgsqlDbType.Text));
        command.Parameters.Add(ArrayParameter.Of(groups.Select(g => (long)g.Rows.Count), NpgsqlDbType.Bigint));
        return command;
    }

    /// <summary>
    /// The (interval, first instant of the UTC month) of the changed intraday rows, in order: the month partitions the
    /// merge updates. With none (only new rows) one empty month, so the statement keeps its shape and updates nothing.
    /// </summary>
    internal static List<(string Interval, DateTime Month)> ChangedMonths(IReadOnlyList<StagedBar> staged)
    {
        var months = staged.Where(r => r.Stored is not null)
            .Select(r => (r.Interval, Month: new DateTime(r.Bar.Timestamp.UtcDateTime.Year, r.Bar.Timestamp.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc)))
            .Distinct()
            .OrderBy(m => m.Interval, StringComparer.Ordinal).ThenBy(m => m.Month)
            .ToList();
        return months.Count > 0 ? months : [(staged[0].Interval, DateTime.UnixEpoch.AddMonths(-1))];
    }

    private async Task CreateStagingForTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool daily,
        CancellationToken cancellationToken)
    {
        if (_stagingPerTransaction)
        {
            await StagingTables.CreateForTransactionAsync(connection, transaction, daily, cancellationToken);
        }
    }

    /// <summary>
    /// Reads the stored rows in the merge families' key ranges (one round trip for both) and returns the rows that are
    /// new or changed, each family in batch order (<see cref="BarDiff"/>). Unchanged rows go no further.
    /// </summary>
    private async Task<(List<StagedBar> Daily, List<StagedBar> Intraday)> ChangesAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, BarBatchPlan plan, bool daily, bool intraday, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (daily)
        {
            batch.BatchCommands.Add(BarDiff.ReadCommand(schemaSql, plan.DailyGroups, daily: true));
        }

        if (intraday)
        {
            batch.BatchCommands.Add(BarDiff.ReadCommand(schemaSql, plan.IntradayGroups, daily: false));
        }

        List<StagedBar> dailyChanges = [], intradayChanges = [];
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (daily)
        {
            dailyChanges = BarDiff.Changes(plan.DailyGroups, daily: true, await BarDiff.ReadStoredAsync(reader, daily: true, cancellationToken));
            await reader.NextResultAsync(cancellationToken);
        }

        if (intraday)
        {
            intradayChanges = BarDiff.Changes(plan.IntradayGroups, daily: false,
                await BarDiff.ReadStoredAsync(reader, daily: false, cancellationToken));
        }

        return (dailyChanges, intradayChanges);
    }

    /// <summary>
    /// The fallback after a by-row-id merge left staged rows alone (a concurrent writer changed, or deleted and
    /// re-inserted, some of them after the merge's snapshot, or inserted a key the read did not find): the by-key merge
    /// of the same stage in the same transaction, with a new snapshot. Rows already merged now equal the stage and are
    /// skipped; the missed ones are locked and merged against their newest version. A round can itself miss rows (a
    /// new key met yet another concurrent insert, a locked row was deleted), which the next round's snapshot sees; a
    /// key stays missed only while other writers keep inserting and deleting it, so a few rounds end it and more mean
    /// something is wrong. Rare, so the extra round trips are fine.
    /// </summary>
    private async Task<(long Inserted, long Updated)> MergeByKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IEnumerable<bool> families, CancellationToken cancellationToken)
    {
        long inserted = 0, updated = 0;
        var pending = families.Order().ToList();
        for (var round = 1; pending.Count > 0; round++)
        {
            if (round > MaxByKeyRounds)
            {
                throw new InvalidOperationException(
                    $"The by-key merge still left staged rows alone after {MaxByKeyRounds} rounds; rows are being inserted and deleted concurrently.");
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.NestedLoopsOnly)));
            foreach (var daily in pending)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.MergeByKey(daily, _keepRevisions))));
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.JoinsRestored)));
            var missed = new List<bool>();
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // NestedLoopsOnly's row
            foreach (var daily in pending)
            {
                await reader.ReadAsync(cancellationToken);
                inserted += reader.GetInt64(0);
                updated += reader.GetInt64(1);
                if (reader.GetInt64(2) > 0)
                {
                    missed.Add(daily);
                }

                await reader.NextResultAsync(cancellationToken);
            }

            pending = missed;
        }

        return (inserted, updated);
    }

    /// <summary>
    /// Which families may take the fast path: every (symbol, interval) of the family has no watermark, i.e. no fetch of
    /// it has completed. That is a prediction, not a guarantee (a fetch cut off mid-way leaves rows without one); the
    /// primary key is the guarantee, and a unique violation sends the batch through the merge. In the same round trip
    /// the bar_counts trigger is turned off for the COPYs to come (<see cref="BarWriterSql.WriterCounts"/>); WriterCounts
    /// says whether it was, so the finishing batch turns it back on.
    /// </summary>
    private async Task<(bool Daily, bool Intraday, bool WriterCounts)> FreshFamiliesAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, BarBatchPlan plan, CancellationToken cancellationToken)
    {
        if (plan.SymbolIntervals.All(s => _withHistory.ContainsKey((s.Symbol, s.Interval.Token))))
        {
            return (false, false, false);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BarWriterSql.WriterCounts));
        var withHistory = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.WithHistory));
        withHistory.Parameters.Add(ArrayParameter.Of(plan.SymbolIntervals.Select(s => s.Symbol), NpgsqlDbType.Text));
        withHistory.Parameters.Add(ArrayParameter.Of(plan.SymbolIntervals.Select(s => s.Interval.Token), NpgsqlDbType.Text));
        batch.BatchCommands.Add(withHistory);
        bool dailyHistory = false, intradayHistory = false;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _withHistory[(reader.GetString(0), reader.GetString(1))] = 0;
            if (BarInterval.Parse(reader.GetString(1)).IsDailyOrLonger)
            {
                dailyHistory = true;
            }
            else
            {
                intradayHistory = true;
            }
        }

        return (plan.DailyRows > 0 && !dailyHistory, plan.IntradayRows > 0 && !intradayHistory, true);
    }

    private List<NpgsqlBatchCommand> AddEventCommands(NpgsqlBatch batch, BarBatchPlan plan)
    {
        var commands = new List<NpgsqlBatchCommand>();
        if (plan.Dividends.Count > 0)
        {
            var command = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.Dividends));
            command.Parameters.Add(ArrayParameter.Of(plan.Dividends.Select(d => d.Symbol), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(plan.Dividends.Select(d => d.Event.ExDate), NpgsqlDbType.Date));
            command.Parameters.Add(ArrayParameter.Of(plan.Dividends.Select(d => d.Event.Timestamp.UtcDateTime), NpgsqlDbType.TimestampTz));
            command.Parameters.Add(ArrayParameter.Of(plan.Dividends.Select(d => d.Event.Amount), NpgsqlDbType.Double));
            commands.Add(command);
        }

        if (plan.Splits.Count > 0)
        {
            var command = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.Splits));
            command.Parameters.Add(ArrayParameter.Of(plan.Splits.Select(d => d.Symbol), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(plan.Splits.Select(d => d.Event.ExDate), NpgsqlDbType.Date));
            command.Parameters.Add(ArrayParameter.Of(plan.Splits.Select(d => d.Event.Timestamp.UtcDateTime), NpgsqlDbType.TimestampTz));
            command.Parameters.Add(ArrayParameter.Of(plan.Splits.Select(d => d.Event.Numerator), NpgsqlDbType.Double));
            command.Parameters.Add(ArrayParameter.Of(plan.Splits.Select(d => d.Event.Denominator), NpgsqlDbType.Double));
            commands.Add(command);
        }

        if (plan.CapitalGains.Count > 0)
        {
            var command = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.CapitalGains));
            command.Parameters.Add(ArrayParameter.Of(plan.CapitalGains.Select(d => d.Symbol), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(plan.CapitalGains.Select(d => d.Event.ExDate), NpgsqlDbType.Date));
            command.Parameters.Add(ArrayParameter.Of(plan.CapitalGains.Select(d => d.Event.Timestamp.UtcDateTime), NpgsqlDbType.TimestampTz));
            command.Parameters.Add(ArrayParameter.Of(plan.CapitalGains.Select(d => d.Event.Amount), NpgsqlDbType.Double));
            commands.Add(command);
        }

        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        return commands;
    }

    private void AddSymbolCommands(NpgsqlBatch batch, BarBatchPlan plan, IReadOnlyList<SymbolIntervalUpdate> completions)
    {
        var symbols = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.Symbols));
        symbols.Parameters.Add(ArrayParameter.Of(plan.Symbols.Select(s => s.Symbol), NpgsqlDbType.Text));
        symbols.Parameters.Add(ArrayParameter.Of(plan.Symbols.Select(s => s.Metadata?.Currency), NpgsqlDbType.Text));
        symbols.Parameters.Add(ArrayParameter.Of(plan.Symbols.Select(s => s.Metadata?.InstrumentType), NpgsqlDbType.Text));
        symbols.Parameters.Add(ArrayParameter.Of(plan.Symbols.Select(s => s.Metadata?.ExchangeName), NpgsqlDbType.Text));
        symbols.Parameters.Add(ArrayParameter.Of(plan.Symbols.Select(s => s.Metadata?.ExchangeTimezone), NpgsqlDbType.Text));
        symbols.Parameters.Add(ArrayParameter.Of(plan.Symbols.Select(s => s.Metadata?.FirstTradeDate?.UtcDateTime), NpgsqlDbType.TimestampTz));
        batch.BatchCommands.Add(symbols);

        var ensure = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.EnsureSymbolIntervals));
        ensure.Parameters.Add(ArrayParameter.Of(plan.SymbolIntervals.Select(s => s.Symbol), NpgsqlDbType.Text));
        ensure.Parameters.Add(ArrayParameter.Of(plan.SymbolIntervals.Select(s => s.Interval.Token), NpgsqlDbType.Text));
        batch.BatchCommands.Add(ensure);

        var update = new NpgsqlBatchCommand(schemaSql.Qualify(BarWriterSql.UpdateSymbolIntervals));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.Symbol), NpgsqlDbType.Text));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.Interval.Token), NpgsqlDbType.Text));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.Interval.IsDailyOrLonger), NpgsqlDbType.Boolean));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.Completes), NpgsqlDbType.Boolean));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.Clears), NpgsqlDbType.Boolean));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.ActionAt?.UtcDateTime), NpgsqlDbType.TimestampTz));
        update.Parameters.Add(ArrayParameter.Of(completions.Select(c => c.ActionReason), NpgsqlDbType.Text));
        // Plan-time partition pruning of the watermark read (BarWriterSql.UpdateSymbolIntervals).
        update.Parameters.Add(ArrayParameter.Of(completions.Where(c => c.Interval.IsIntraday).Select(c => c.Interval.Token).Distinct(),
            NpgsqlDbType.Text));
        batch.BatchCommands.Add(update);
    }

    /// <summary>
    /// Per (symbol, interval) touched by a fetch's end or by events: does a fetch complete here (last chunk, every
    /// earlier chunk committed), does a completed full-history fetch clear a pending re-fetch, and the newest split or
    /// dividend that may set one. Sorted, so the UPDATE meets rows in key order.
    /// </summary>
    private static List<SymbolIntervalUpdate> Completions(BarBatchPlan plan, bool[] ordered)
    {
        var updates = new Dictionary<(string, string), SymbolIntervalUpdate>();
        for (var i = 0; i < plan.Fetches.Count; i++)
        {
            var span = plan.Fetches[i];
            if (!span.ContainsLast && span.NewestActionAt is null)
            {
                continue;
            }

            var completes = span.ContainsLast && ordered[i];
            var next = new SymbolIntervalUpdate(span.Symbol, span.Interval, completes, completes && span.IsFullHistory,
                span.NewestActionAt, span.NewestActionReason);
            var key = (span.Symbol, span.Interval.Token);
            updates[key] = updates.TryGetValue(key, out var previous) ? previous.Merge(next) : next;
        }

        return [.. updates.Values.OrderBy(u => u.Symbol, StringComparer.Ordinal).ThenBy(u => u.Interval.Token, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Transient: what Npgsql calls transient (IO errors, timeouts, SQLSTATE classes 08/53/40001/…), a deadlock, a
    /// server shutting the session down (57P01/57P02: a restart or pg_terminate_backend), or any failure that left the
    /// connection broken. All of these fail the whole transaction, so the batch can be redone from the start.
    /// </summary>
    private static bool IsTransient(Exception ex, NpgsqlConnection? connection) =>
        ex is NpgsqlException { IsTransient: true }
        || ex is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown }
        || (ex is NpgsqlException && connection is not null && connection.FullState.HasFlag(ConnectionState.Broken));

#pragma warning disable CA5394 // Jitter, not security.
    private TimeSpan Backoff(int failure) => RetryDelay(_options.RetryBaseDelay, _options.RetryMaxDelay, failure, Random.Shared.NextDouble());
#pragma warning restore CA5394

    /// <summary>
    /// The delay before redoing a batch after its <paramref name="failure"/>-th transient failure: the shared doubling
    /// backoff, with ±20 % jitter (<paramref name="jitter"/> in [0, 1), 0.5 for none) so writers that failed together
    /// do not retry in lockstep.
    /// </summary>
    internal static TimeSpan RetryDelay(TimeSpan baseDelay, TimeSpan maxDelay, int failure, double jitter) =>
        Core.Backoff.Doubling(baseDelay, failure, maxDelay) * (0.8 + (jitter * 0.4));

    private static BarWriteException Failure(BarBatchPlan plan, Exception ex, bool retriesExhausted, int attempts)
    {
        var what = retriesExhausted ? $"failed transiently {attempts} times" : "failed";
        return new BarWriteException(
            $"Writing {plan.DailyRows + plan.IntradayRows} bars of {Describe(plan.SymbolNames)} {what}; the batch was not committed: " +
            FirstLine(ex.Message), plan.SymbolNames, retriesExhausted, ex);
    }

    private static string Describe(IReadOnlyList<string> symbols) =>
        symbols.Count <= 10 ? string.Join(", ", symbols) : $"{string.Join(", ", symbols.Take(10))} and {symbols.Count - 10} more";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
