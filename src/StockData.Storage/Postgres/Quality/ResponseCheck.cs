using Npgsql;
using NpgsqlTypes;
using StockData.Core;

namespace StockData.Storage.Postgres.Quality;

/// <summary>
/// Flags responses that lacked stored data (docs/data-quality.md). Each chunk of a batch is
/// one response, or part of one: its bars run from its first to its last key, and when it carries the response's
/// events, those are the dividends and splits the response had in its range. The statements compare that with what is
/// stored in the same range and record a <c>quality_suspicious</c> row when something stored is absent; they delete
/// nothing, and the merge never deletes either, so the stored data stays.
/// </summary>
/// <remarks>
/// Skipped: families that took the fresh-history fast path (nothing else is stored, or the COPY would have failed),
/// chunks without bars, and any (symbol, interval) that more than one fetch of the batch touches (one fetch's rows
/// would be counted against the other's range). The check sees the bars between a part's first and last bar, not
/// the range the request asked for: a response lacking the first or last stored dates of its request is not noticed.
/// </remarks>
public static class ResponseCheck
{
    /// <summary>The statements for <paramref name="batch"/>, or none when no chunk qualifies.</summary>
    public static IEnumerable<NpgsqlBatchCommand> Commands(SchemaSql schemaSql, WriteBatch batch, bool skipDaily, bool skipIntraday)
    {
        var fetchesPerKey = new Dictionary<(string, string), long>();
        var shared = new HashSet<(string, string)>();
        foreach (var chunk in batch.Chunks)
        {
            var key = (chunk.Symbol, chunk.Interval.Token);
            if (fetchesPerKey.TryGetValue(key, out var fetch) && fetch != chunk.FetchId)
            {
                shared.Add(key);
            }

            fetchesPerKey[key] = chunk.FetchId;
        }

        var daily = new Parts<DateOnly>();
        var intraday = new Parts<DateTime>();
        List<(string Symbol, DateOnly ExDate)> dividends = [], splits = [];
        foreach (var chunk in batch.Chunks)
        {
            if (chunk.RowCount == 0 || shared.Contains((chunk.Symbol, chunk.Interval.Token)))
            {
                continue;
            }

            var first = chunk.Bars[0];
            var last = chunk.Bars[chunk.RowCount - 1];
            if (chunk.Interval.IsDailyOrLonger && !skipDaily)
            {
                var events = chunk.Events is not null;
                daily.Add(chunk, first.TradeDate, last.TradeDate, events);
                if (events)
                {
                    dividends.AddRange(chunk.Events!.Dividends.Select(d => (chunk.Symbol, d.ExDate)));
                    splits.AddRange(chunk.Events!.Splits.Select(s => (chunk.Symbol, s.ExDate)));
                }
            }
            else if (chunk.Interval.IsIntraday && !skipIntraday)
            {
                intraday.Add(chunk, first.Timestamp.UtcDateTime, last.Timestamp.UtcDateTime, false);
            }
        }

        if (daily.Count > 0)
        {
            var command = daily.Command(schemaSql.Qualify(ResponseCheckSql.Daily), NpgsqlDbType.Date, withEvents: true);
            command.Parameters.Add(ArrayParameter.Of(dividends.Select(d => d.Symbol).ToArray(), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(dividends.Select(d => d.ExDate).ToArray(), NpgsqlDbType.Date));
            command.Parameters.Add(ArrayParameter.Of(splits.Select(d => d.Symbol).ToArray(), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(splits.Select(d => d.ExDate).ToArray(), NpgsqlDbType.Date));
            yield return command;
        }

        if (intraday.Count > 0)
        {
            var command = intraday.Command(schemaSql.Qualify(ResponseCheckSql.Intraday), NpgsqlDbType.TimestampTz, withEvents: false);
            // Plan-time partition pruning (ResponseCheckSql.Intraday): the parts' intervals and overall time range.
            command.Parameters.Add(ArrayParameter.Of(intraday.Intervals.Distinct().ToArray(), NpgsqlDbType.Text));
            command.Parameters.Add(new NpgsqlParameter { Value = intraday.Firsts.Min(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = intraday.Lasts.Max(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            yield return command;
        }
    }

    /// <summary>The per-chunk columns of one family's statement.</summary>
    private sealed class Parts<TKey>
    {
        private readonly List<string> _symbols = [];
        private readonly List<string> _intervals = [];
        private readonly List<TKey> _first = [];
        private readonly List<TKey> _last = [];
        private readonly List<int> _counts = [];
        private readonly List<bool> _events = [];

        public int Count => _symbols.Count;

        public IReadOnlyList<string> Intervals => _intervals;

        public IReadOnlyList<TKey> Firsts => _first;

        public IReadOnlyList<TKey> Lasts => _last;

        public void Add(FetchChunk chunk, TKey first, TKey last, bool events)
        {
            _symbols.Add(chunk.Symbol);
            _intervals.Add(chunk.Interval.Token);
            _first.Add(first);
            _last.Add(last);
            _counts.Add(chunk.RowCount);
            _events.Add(events);
        }

        public NpgsqlBatchCommand Command(string sql, NpgsqlDbType keyType, bool withEvents)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(ArrayParameter.Of(_symbols.ToArray(), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(_intervals.ToArray(), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter.Of(_first.ToArray(), keyType));
            command.Parameters.Add(ArrayParameter.Of(_last.ToArray(), keyType));
            command.Parameters.Add(ArrayParameter.Of(_counts.ToArray(), NpgsqlDbType.Integer));
            if (withEvents)
            {
                command.Parameters.Add(ArrayParameter.Of(_events.ToArray(), NpgsqlDbType.Boolean));
            }

            return command;
        }
    }
}
