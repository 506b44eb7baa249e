using Npgsql;
using NpgsqlTypes;
using StockData.Core;
using StockData.Storage.Postgres.Universe;
using StockData.Storage.Quality;

namespace StockData.Storage.Postgres.Quality;

/// <summary>
/// One quality scan, in one transaction under a per-schema advisory lock: settles what earlier repairs achieved,
/// finds new gaps (the peer rule of <see cref="TradingDateRule"/>, and dividend steps), and turns what needs fetching
/// into low-priority fetch job items that any worker (or <c>stockdata quality repair</c>) picks up when it has room.
/// </summary>
public sealed class QualityScanner(NpgsqlDataSource dataSource, SchemaSql schemaSql)
{
    public async Task<QualityScanResult> ScanAsync(GapRules rules, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The schema's name as a parameter, not current_schema(): the lock must not depend on the session's search_path.
        await using (var lockCommand = new NpgsqlCommand(QualityScanSql.Lock, connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schemaSql.Schema });
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return QualityScanResult.Skipped;
            }
        }

        var repaired = await ExecuteAsync(connection, transaction, QualityScanSql.Resolve, cancellationToken, ScheduleLeases.Time(now));
        int confirmed = 0, reopened = 0;
        await using (var settle = Command(connection, transaction, QualityScanSql.Settle, ScheduleLeases.Time(now),
                         new NpgsqlParameter<int> { TypedValue = rules.MaxAttempts }))
        await using (var reader = await settle.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetString(0) == "confirmed_missing")
                {
                    confirmed++;
                }
                else
                {
                    reopened++;
                }
            }
        }

        await ExecuteAsync(connection, transaction, QualityScanSql.SettleSuspicious, cancellationToken, ScheduleLeases.Time(now));
        await ExecuteAsync(connection, transaction, QualityScanSql.Persistent, cancellationToken, ScheduleLeases.Time(now));

        var found = await InsertBarGapsAsync(connection, transaction, rules, now, cancellationToken);
        await using (var dividends = Command(connection, transaction, QualityScanSql.InsertDividendGaps, ScheduleLeases.Time(now),
                         new NpgsqlParameter<double> { TypedValue = rules.DividendStep }))
        {
            found += (int)(await dividends.ExecuteScalarAsync(cancellationToken))!;
        }

        var (items, jobs) = await EnqueueAsync(connection, transaction, rules, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new QualityScanResult(true, found, repaired, confirmed, reopened, items, jobs);
    }

    private async Task<int> InsertBarGapsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, GapRules rules,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ranges = new List<StoredRange>();
        await using (var command = new NpgsqlCommand(schemaSql.Qualify(QualityScanSql.Ranges), connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ranges.Add(new StoredRange(reader.GetString(0), new ExchangeKey(reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                    reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7)));
            }
        }

        var barsPerDate = new Dictionary<ExchangeKey, Dictionary<DateOnly, int>>();
        await using (var command = new NpgsqlCommand(schemaSql.Qualify(QualityScanSql.BarsPerDate), connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new ExchangeKey(reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (!barsPerDate.TryGetValue(key, out var dates))
                {
                    barsPerDate[key] = dates = [];
                }

                dates[reader.GetFieldValue<DateOnly>(3)] = reader.GetInt32(4);
            }
        }

        var windows = new List<(StoredRange Range, DateOnly From, DateOnly To)>();
        var trading = new List<(ExchangeKey Exchange, DateOnly Date)>();
        foreach (var exchange in ranges.GroupBy(r => r.Exchange))
        {
            var members = exchange.ToList();
            var dates = TradingDateRule.TradingDates(members, barsPerDate.GetValueOrDefault(exchange.Key) ?? [], rules);
            if (dates.Count == 0)
            {
                continue;
            }

            trading.AddRange(dates.Select(d => (exchange.Key, d)));
            windows.AddRange(members.Select(r =>
            {
                var (from, to) = TradingDateRule.Window(r, dates[0], dates[^1], rules);
                return (r, from, to);
            }));
        }

        if (windows.Count == 0)
        {
            return 0;
        }

        await using var insert = Command(connection, transaction, QualityScanSql.InsertBarGaps,
            Texts(windows.Select(w => w.Range.Symbol)), Texts(windows.Select(w => w.Range.Exchange.Interval)),
            Texts(windows.Select(w => w.Range.Exchange.TimeZone)), Texts(windows.Select(w => w.Range.Exchange.Name)),
            Texts(trading.Select(t => t.Exchange.Interval)), Texts(trading.Select(t => t.Exchange.TimeZone)),
            Texts(trading.Select(t => t.Exchange.Name)), Dates(trading.Select(t => t.Date)),
            Dates(windows.Select(w => w.From)), Dates(windows.Select(w => w.To)), ScheduleLeases.Time(now));
        return (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<(int Items, IReadOnlyList<long> Jobs)> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        GapRules rules, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var needs = new List<RepairPlanner.Need>();
        await using (var command = new NpgsqlCommand(schemaSql.Qualify(QualityScanSql.Needs), connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                needs.Add(new RepairPlanner.Need(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetFieldValue<DateOnly>(3), reader.GetFieldValue<DateOnly>(4), reader.GetInt32(5), reader.GetBoolean(6)));
            }
        }

        var jobs = new List<long>();
        var items = 0;
        foreach (var group in RepairPlanner.Plan(needs).GroupBy(r => (r.Interval, r.Slot)).OrderBy(g => g.Key.Slot)
                     .ThenBy(g => g.Key.Interval, StringComparer.Ordinal))
        {
            var ranges = group.ToList();
            long jobId;
            await using (var job = Command(connection, transaction, QualityScanSql.InsertJob, new NpgsqlParameter<string> { TypedValue = group.Key.Interval },
                             new NpgsqlParameter<int> { TypedValue = ranges.Count }, ScheduleLeases.Time(now)))
            {
                jobId = (long)(await job.ExecuteScalarAsync(cancellationToken))!;
            }

            var fetches = ranges.Select(FetchRange).ToList();
            var ids = new List<long>(ranges.Count);
            await using (var insert = Command(connection, transaction, QualityScanSql.InsertItems, new NpgsqlParameter<long> { TypedValue = jobId },
                             Texts(ranges.Select(r => r.Symbol)), Texts(ranges.Select(r => r.Interval)),
                             Times(fetches.Select(f => f.From)), Times(fetches.Select(f => f.To)), ScheduleLeases.Time(now),
                             Texts(ranges.Select(r => r.CoversGap ? RequestPurpose.Repair : RequestPurpose.Verification))))
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            await using (var link = Command(connection, transaction, QualityScanSql.Link,
                             new NpgsqlParameter<long[]> { TypedValue = [.. ids] }, Texts(ranges.Select(r => r.Symbol)),
                             Texts(ranges.Select(r => r.Interval)), Dates(ranges.Select(r => r.From)), Dates(ranges.Select(r => r.To)),
                             ScheduleLeases.Time(now)))
            {
                await link.ExecuteNonQueryAsync(cancellationToken);
            }

            jobs.Add(jobId);
            items += ids.Count;
        }

        return (items, jobs);
    }

    /// <summary>
    /// The request for a range of exchange-local dates: from the first date's local midnight to the local midnight
    /// after the last bar's period (a week, a month… for longer intervals, so the bar is built from its whole period).
    /// The end moves by one second per earlier attempt: a repeated repair is then a new response-cache key, so it asks
    /// Yahoo again instead of replaying the cached answer that lacked the data.
    /// </summary>
    internal static (DateTimeOffset From, DateTimeOffset To) FetchRange(RepairRange range)
    {
        var zone = Zone(range.TimeZone);
        var end = BarInterval.TryParse(range.Interval, out var interval) ? interval.Token switch
        {
            "1mo" => range.To.AddMonths(1),
            "3mo" => range.To.AddMonths(3),
            "1wk" or "5d" => range.To.AddDays(7),
            _ => range.To.AddDays(1),
        } : range.To.AddDays(1);
        return (LocalMidnight(range.From, zone), LocalMidnight(end, zone).AddSeconds(range.Attempts));
    }

    private static DateTimeOffset LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A zone whose midnight is skipped by a DST change: the first valid local time after it.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

#pragma warning disable CA2100 // Only the constants of QualityScanSql come here; every value is a parameter.
    private NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(schemaSql.Qualify(sql), connection, transaction);
#pragma warning restore CA2100
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Texts(IEnumerable<string> values) => ArrayParameter.Of(values, NpgsqlDbType.Text);

    private static NpgsqlParameter Dates(IEnumerable<DateOnly> values) => ArrayParameter.Of(values, NpgsqlDbType.Date);

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset> values) =>
        ArrayParameter.Of(values.Select(v => v.UtcDateTime), NpgsqlDbType.TimestampTz);
}
