using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Market;

namespace StockData.YahooSim.Chart;

/// <summary>
/// Answers one chart query from the generated history: resolves the range, applies Yahoo's windows and errors,
/// picks daily, aggregated or intraday rows, stamps today's bar as Yahoo does, and fills the meta.
/// </summary>
internal sealed class ChartBuilder(HistoryCache cache, FaultInjector faults, IOptions<SimulatorOptions> options)
{
    private const ulong NullRowSalt = 0x4E554C4CUL;

    private readonly SimulatorOptions _options = options.Value;
    private readonly HashSet<(string Symbol, int Day)> _halts = HaltList.TryParse(options.Value.Halts, out var halts, out _) ? halts : [];

    public ChartBody Build(ChartQuery query, DateTimeOffset now, RequestDraw draw)
    {
        var profile = cache.Profile(query.Symbol);
        var exchange = profile.Exchange;
        var today = exchange.LocalDate(now);
        var raw = cache.History(profile, today);
        var nowSeconds = now.ToUnixTimeSeconds();
        if (raw.Count == 0)
        {
            return YahooErrors.NotFound;
        }

        long p1;
        long p2;
        if (query.Range is { } range)
        {
            (p1, p2) = RangeBounds(range, raw, now);
        }
        else
        {
            p1 = query.Period1 ?? 0;
            p2 = query.Period2 ?? nowSeconds;
            if (p1 > p2)
            {
                return YahooErrors.BadRequest($"Invalid input - start date cannot be after end date. startDate = {p1}, endDate = {p2}");
            }

            // Yahoo's answer for a range wholly before the listing (fixture beke-400-bad-request-before-listing.json).
            if (p2 <= exchange.DailyStamp(DateOnly.FromDayNumber(raw.Days[0])).ToUnixTimeSeconds())
            {
                return YahooErrors.BadRequest($"Data doesn't exist for startDate = {p1}, endDate = {p2}");
            }
        }

        var minutes = query.IntradayMinutes;
        if (minutes > 0 && WindowError(query.Interval, minutes, p1, p2, nowSeconds) is { } windowError)
        {
            return windowError;
        }

        var todayIndex = raw.LastIndexOnOrBefore(today.DayNumber);
        var todayTrades = todayIndex >= 0 && raw.Days[todayIndex] == today.DayNumber;
        var adjuster = new Adjuster(raw, todayIndex);
        var live = LiveState(exchange, today, todayTrades, now);
        var lastShown = todayTrades && !live.Shown ? todayIndex - 1 : todayIndex;

        var rows = new List<ChartRow>();
        List<DateOnly>? tradingDays = null;
        if (minutes > 0)
        {
            tradingDays = [];
            IntradayRows(query, profile, raw, adjuster, todayIndex, today, now, minutes, p1, p2, rows, tradingDays, draw);
        }
        else
        {
            DailyRows(profile, raw, adjuster, lastShown, todayTrades ? todayIndex : -1, live, p1, p2, rows, draw);
            if (query.Interval != "1d")
            {
                rows = Aggregate(query.Interval, exchange, rows);
            }
        }

        var (dividends, splits) = Events(query, profile, raw, adjuster, todayIndex, p1, p2, rows, draw);
        var lastClose = lastShown >= 0 ? LiveValue(adjuster, lastShown, lastShown == todayIndex ? live.Fraction : 1).Close : profile.InitialPrice;
        var firstRowDay = rows.Count > 0 ? rows[0].DayNumber : today.DayNumber;
        var beforeFirst = raw.LastIndexOnOrBefore(firstRowDay - 1);
        var yearStart = Math.Max(0, lastShown - 251);
        var priceHint = exchange.InstrumentType == "CURRENCY" || lastClose < 1 ? 4 : 2;
        var data = new ChartData
        {
            Profile = profile,
            Now = now,
            Interval = query.Interval,
            Range = query.Range ?? "",
            IncludePrePost = query.IncludePrePost,
            FirstTradeDate = exchange.DailyStamp(DateOnly.FromDayNumber(raw.Days[0])).ToUnixTimeSeconds(),
            RegularMarketTime = RegularMarketTime(exchange, raw, lastShown, todayIndex, live, now),
            RegularMarketPrice = lastClose,
            FiftyTwoWeekHigh = lastShown >= 0 ? Enumerable.Range(yearStart, lastShown - yearStart + 1).Max(adjuster.High) : lastClose,
            FiftyTwoWeekLow = lastShown >= 0 ? Enumerable.Range(yearStart, lastShown - yearStart + 1).Min(adjuster.Low) : lastClose,
            DayHigh = lastShown >= 0 ? LiveValue(adjuster, lastShown, lastShown == todayIndex ? live.Fraction : 1).High : lastClose,
            DayLow = lastShown >= 0 ? LiveValue(adjuster, lastShown, lastShown == todayIndex ? live.Fraction : 1).Low : lastClose,
            DayVolume = lastShown >= 0 ? LiveValue(adjuster, lastShown, lastShown == todayIndex ? live.Fraction : 1).Volume : 0,
            ChartPreviousClose = beforeFirst >= 0 ? adjuster.Close(beforeFirst) : rows.Count > 0 && !rows[0].IsNull ? rows[0].Open : lastClose,
            PreviousClose = minutes > 0 ? adjuster.Close(Math.Max(0, todayTrades ? todayIndex - 1 : todayIndex)) : null,
            PriceHint = priceHint,
            SessionDay = SessionDay(exchange, today),
            TradingPeriodDays = tradingDays,
            Rows = rows,
            Dividends = dividends,
            Splits = splits,
            HasAdjClose = minutes == 0,
        };
        return new ChartBody(200, ChartBody.Json, ChartJsonWriter.Write(data));
    }

    private static (long P1, long P2) RangeBounds(string range, RawHistory raw, DateTimeOffset now)
    {
        var exchange = raw.Profile.Exchange;
        var today = exchange.LocalDate(now);
        var end = now.ToUnixTimeSeconds() + 1;
        var last = raw.LastIndexOnOrBefore(today.DayNumber);
        DateTimeOffset start = range switch
        {
            "1d" => exchange.At(DateOnly.FromDayNumber(raw.Days[Math.Max(0, last)]), TimeSpan.Zero),
            "5d" => exchange.At(DateOnly.FromDayNumber(raw.Days[Math.Max(0, last - 4)]), TimeSpan.Zero),
            "1mo" => now.AddMonths(-1),
            "3mo" => now.AddMonths(-3),
            "6mo" => now.AddMonths(-6),
            "1y" => now.AddYears(-1),
            "2y" => now.AddYears(-2),
            "5y" => now.AddYears(-5),
            "10y" => now.AddYears(-10),
            "ytd" => exchange.At(new DateOnly(today.Year, 1, 1), TimeSpan.Zero),
            _ => exchange.At(DateOnly.FromDayNumber(raw.Days[0]), TimeSpan.Zero),
        };
        return (start.ToUnixTimeSeconds(), end);
    }

    /// <summary>Yahoo's intraday windows (docs/yahoo-chart-api.md §1), answered with its 422 texts.</summary>
    private static ChartBody? WindowError(string interval, int minutes, long p1, long p2, long now)
    {
        var days = minutes == 1 ? 30 : minutes <= 30 || minutes == 90 ? 60 : 730;
        if (p1 < now - days * 86_400L)
        {
            return YahooErrors.Unprocessable(
                $"{interval} data not available for startTime={p1} and endTime={p2}. The requested range must be within the last {days} days.");
        }

        return minutes == 1 && p2 - p1 > 8 * 86_400L
            ? YahooErrors.Unprocessable("Only 8 days worth of 1m granularity data are allowed to be fetched per request.")
            : null;
    }

    /// <summary>Today's bar: shown while it forms only with LiveBar, then stamped with the last trade time (fixture: 20:00:01Z).</summary>
    private (bool Shown, double Fraction, long? Stamp) LiveState(Exchange exchange, DateOnly today, bool todayTrades, DateTimeOffset now)
    {
        if (!todayTrades)
        {
            return (false, 1, null);
        }

        var open = exchange.At(today, exchange.Open);
        var close = exchange.At(today, exchange.Close);
        if (now < open)
        {
            return (false, 1, null);
        }

        if (now < close)
        {
            var fraction = (now - open) / (close - open);
            return _options.LiveBar ? (true, fraction, now.ToUnixTimeSeconds()) : (false, fraction, null);
        }

        return (true, 1, _options.LiveBar ? close.ToUnixTimeSeconds() + 1 : null);
    }

    private static long RegularMarketTime(Exchange exchange, RawHistory raw, int lastShown, int todayIndex, (bool Shown, double Fraction, long? Stamp) live,
        DateTimeOffset now)
    {
        if (lastShown == todayIndex && live.Fraction < 1)
        {
            return now.ToUnixTimeSeconds();
        }

        var day = lastShown >= 0 ? DateOnly.FromDayNumber(raw.Days[lastShown]) : exchange.LocalDate(now);
        var close = exchange.At(day, exchange.Close).ToUnixTimeSeconds() + 1;
        return Math.Min(close, now.ToUnixTimeSeconds());
    }

    private static DateOnly SessionDay(Exchange exchange, DateOnly today)
    {
        var day = today;
        while (!exchange.IsTradingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>Day <paramref name="i"/>'s displayed values, or the part of them traded so far when <paramref name="fraction"/> &lt; 1.</summary>
    private static ChartRow LiveValue(Adjuster adjuster, int i, double fraction)
    {
        double open = adjuster.Open(i), high = adjuster.High(i), low = adjuster.Low(i), close = adjuster.Close(i);
        if (fraction >= 1)
        {
            return new ChartRow { Open = open, High = high, Low = low, Close = close, AdjClose = adjuster.AdjClose(i), Volume = adjuster.Volume(i) };
        }

        var liveClose = open + (close - open) * fraction;
        var top = Math.Max(open, liveClose);
        var bottom = Math.Min(open, liveClose);
        return new ChartRow
        {
            Open = open,
            Close = liveClose,
            High = top + (high - Math.Max(open, close)) * fraction,
            Low = bottom - (Math.Min(open, close) - low) * fraction,
            AdjClose = liveClose * adjuster.DividendFactorAfter(i),
            Volume = (long)(adjuster.Volume(i) * fraction),
        };
    }

    private void DailyRows(SymbolProfile profile, RawHistory raw, Adjuster adjuster, int lastShown, int todayIndex,
        (bool Shown, double Fraction, long? Stamp) live, long p1, long p2, List<ChartRow> rows, RequestDraw draw)
    {
        var exchange = profile.Exchange;
        var start = Math.Max(0, raw.FirstIndexOnOrAfter(exchange.LocalDate(DateTimeOffset.FromUnixTimeSeconds(p1)).DayNumber - 1));
        for (var i = start; i <= lastShown; i++)
        {
            var day = raw.Days[i];
            var isToday = i == todayIndex;
            var stamp = isToday && live.Stamp is { } liveStamp ? liveStamp : exchange.DailyStamp(DateOnly.FromDayNumber(day)).ToUnixTimeSeconds();
            if (stamp < p1)
            {
                continue;
            }

            if (stamp >= p2)
            {
                break;
            }

            if (Skipped(profile, day, draw))
            {
                continue;
            }

            var row = LiveValue(adjuster, i, isToday ? live.Fraction : 1);
            row.Timestamp = stamp;
            row.DayNumber = day;
            row.IsNull = !isToday && SplitMix64.Hash01(profile.Seed, NullRowSalt, (ulong)day) < _options.NullRows;
            rows.Add(row);
        }
    }

    private bool Skipped(SymbolProfile profile, int day, RequestDraw draw)
    {
        if (_halts.Count > 0 && _halts.Contains((profile.Symbol, day)))
        {
            return true;
        }

        if (faults.DropsDate(profile.Seed, draw.RequestNumber, day))
        {
            draw.DroppedDates++;
            return true;
        }

        return false;
    }

    private void IntradayRows(ChartQuery query, SymbolProfile profile, RawHistory raw, Adjuster adjuster, int todayIndex, DateOnly today,
        DateTimeOffset now, int minutes, long p1, long p2, List<ChartRow> rows, List<DateOnly> tradingDays, RequestDraw draw)
    {
        var exchange = profile.Exchange;
        var step = minutes * 60L;
        var nowSeconds = now.ToUnixTimeSeconds();
        var sessionStart = query.IncludePrePost ? exchange.PreOpen : exchange.Open;
        var sessionEnd = query.IncludePrePost ? exchange.PostClose : exchange.Close;
        var start = Math.Max(0, raw.FirstIndexOnOrAfter(exchange.LocalDate(DateTimeOffset.FromUnixTimeSeconds(p1)).DayNumber - 1));
        for (var i = start; i <= todayIndex; i++)
        {
            var date = DateOnly.FromDayNumber(raw.Days[i]);
            var first = exchange.At(date, sessionStart).ToUnixTimeSeconds();
            var end = exchange.At(date, sessionEnd).ToUnixTimeSeconds();
            if (end <= p1 || first > nowSeconds)
            {
                continue;
            }

            if (first >= p2)
            {
                break;
            }

            if (Skipped(profile, raw.Days[i], draw))
            {
                continue;
            }

            var open = exchange.At(date, exchange.Open).ToUnixTimeSeconds();
            var close = exchange.At(date, exchange.Close).ToUnixTimeSeconds();
            var bars = (int)Math.Max(1, (close - open + step - 1) / step);
            var path = Bridge(profile, raw.Days[i], minutes, adjuster.Open(i), adjuster.Close(i), bars, out var spread);
            var volumePerBar = adjuster.Volume(i) / (double)bars;
            var added = false;
            for (var t = first; t < end; t += step)
            {
                var complete = t + step <= nowSeconds;
                if (!complete && (!_options.LiveBar || date != today || nowSeconds >= end))
                {
                    break;
                }

                if (t < p1)
                {
                    continue;
                }

                if (t >= p2)
                {
                    break;
                }

                var row = IntradayBar(profile, path, spread, volumePerBar, open, close, step, t, complete ? 1.0 : (nowSeconds - t) / (double)step);
                row.Timestamp = t;
                row.DayNumber = raw.Days[i];
                row.IsNull = complete && SplitMix64.Hash01(profile.Seed, NullRowSalt, (ulong)t) < _options.NullRows;
                rows.Add(row);
                added = true;
                if (!complete)
                {
                    // Yahoo sends the forming bar on the grid and then the last trade at regularMarketTime, off the grid
                    // (yfinance fix_Yahoo_returning_live_separate; rule R8 drops it as live_partial_interval).
                    if (nowSeconds > t && nowSeconds < p2)
                    {
                        rows.Add(new ChartRow
                        {
                            Timestamp = nowSeconds, DayNumber = raw.Days[i], Open = row.Close, High = row.Close, Low = row.Close, Close = row.Close,
                        });
                    }

                    break;
                }
            }

            if (added)
            {
                tradingDays.Add(date);
            }
        }
    }

    /// <summary>A Brownian bridge of log prices from the day's open to its close, seeded by (symbol, day, interval).</summary>
    private static double[] Bridge(SymbolProfile profile, int day, int minutes, double open, double close, int bars, out double spread)
    {
        var rng = new SplitMix64(SplitMix64.Mix(profile.Seed ^ ((ulong)day * 0x9E37UL) ^ ((ulong)minutes << 40)));
        spread = profile.Volatility * Math.Sqrt(1.0 / profile.TradingDaysPerYear / bars);
        var walk = new double[bars + 1];
        for (var k = 1; k <= bars; k++)
        {
            walk[k] = walk[k - 1] + spread * rng.NextNormal();
        }

        var path = new double[bars + 1];
        var from = Math.Log(open);
        var to = Math.Log(close);
        for (var k = 0; k <= bars; k++)
        {
            var share = k / (double)bars;
            path[k] = Math.Exp(from + share * (to - from) + walk[k] - share * walk[bars]);
        }

        return path;
    }

    private static ChartRow IntradayBar(SymbolProfile profile, double[] path, double spread, double volumePerBar, long open, long close, long step,
        long t, double fraction)
    {
        double barOpen, barClose;
        long volume;
        if (t < open || t >= close)
        {
            // Pre/post bars: near the open or the close, on volume 0 (TSLA 30m fixture, 2021).
            var anchor = t < open ? path[0] : path[^1];
            var wiggle = SplitMix64.Hash01(profile.Seed, (ulong)t) - 0.5;
            barOpen = anchor * (1 + wiggle * spread);
            barClose = anchor * (1 - wiggle * spread);
            volume = 0;
        }
        else
        {
            var k = (int)((t - open) / step);
            barOpen = path[k];
            barClose = barOpen + (path[Math.Min(k + 1, path.Length - 1)] - barOpen) * fraction;
            volume = (long)(volumePerBar * fraction * (0.6 + 0.8 * SplitMix64.Hash01(profile.Seed, (ulong)t, 1)));
        }

        var reach = Math.Abs(SplitMix64.Hash01(profile.Seed, (ulong)t, 2)) * spread * 0.5;
        return new ChartRow
        {
            Open = barOpen,
            Close = barClose,
            High = Math.Max(barOpen, barClose) * Math.Exp(reach),
            Low = Math.Min(barOpen, barClose) * Math.Exp(-reach),
            Volume = volume,
        };
    }

    /// <summary>5d, 1wk, 1mo and 3mo bars from the daily rows: weeks, months and quarters sit at local midnight (VFINX fixture).</summary>
    private static List<ChartRow> Aggregate(string interval, Exchange exchange, List<ChartRow> daily)
    {
        var result = new List<ChartRow>();
        long currentKey = long.MinValue;
        var count = 0;
        foreach (var row in daily)
        {
            var date = DateOnly.FromDayNumber(row.DayNumber);
            var bucket = interval switch
            {
                "1wk" => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
                "1mo" => new DateOnly(date.Year, date.Month, 1),
                "3mo" => new DateOnly(date.Year, (date.Month - 1) / 3 * 3 + 1, 1),
                _ => date,
            };
            var key = interval == "5d" ? count++ / 5 : bucket.DayNumber;
            if (key != currentKey || result.Count == 0)
            {
                currentKey = key;
                var start = row;
                start.Timestamp = interval == "5d" ? row.Timestamp : exchange.At(bucket, TimeSpan.Zero).ToUnixTimeSeconds();
                result.Add(start);
                continue;
            }

            var merged = result[^1];
            if (row.IsNull)
            {
                continue;
            }

            if (merged.IsNull)
            {
                var timestamp = merged.Timestamp;
                merged = row;
                merged.Timestamp = timestamp;
            }
            else
            {
                merged.High = Math.Max(merged.High, row.High);
                merged.Low = Math.Min(merged.Low, row.Low);
                merged.Close = row.Close;
                merged.AdjClose = row.AdjClose;
                merged.Volume += row.Volume;
            }

            result[^1] = merged;
        }

        return result;
    }

    private (List<ChartEvent> Dividends, List<ChartEvent> Splits) Events(ChartQuery query, SymbolProfile profile, RawHistory raw, Adjuster adjuster,
        int asOf, long p1, long p2, List<ChartRow> rows, RequestDraw draw)
    {
        var dividends = new List<ChartEvent>();
        var splits = new List<ChartEvent>();
        var exchange = profile.Exchange;
        if (query.Dividends)
        {
            for (var k = 0; k < raw.Dividends.Length && raw.Dividends[k].Index <= asOf; k++)
            {
                var day = raw.Days[raw.Dividends[k].Index];
                var date = exchange.DailyStamp(DateOnly.FromDayNumber(day)).ToUnixTimeSeconds();
                if (date < p1 || date >= p2)
                {
                    continue;
                }

                if (faults.DropsDividend(profile.Seed, draw.RequestNumber, day))
                {
                    draw.DroppedDividends++;
                    continue;
                }

                dividends.Add(new ChartEvent(KeyFor(query, rows, day, date), date, adjuster.DividendAmount(k), 0, 0));
            }
        }

        if (query.Splits)
        {
            foreach (var (index, numerator, denominator) in raw.Splits)
            {
                if (index > asOf)
                {
                    break;
                }

                var day = raw.Days[index];
                var date = exchange.DailyStamp(DateOnly.FromDayNumber(day)).ToUnixTimeSeconds();
                if (date >= p1 && date < p2)
                {
                    splits.Add(new ChartEvent(KeyFor(query, rows, day, date), date, 0, numerator, denominator));
                }
            }
        }

        return (dividends, splits);
    }

    /// <summary>Daily and intraday events are keyed by their date; aggregated ones by the bar that holds them (VFINX: key ≠ date).</summary>
    private static long KeyFor(ChartQuery query, List<ChartRow> rows, int day, long date)
    {
        if (query.Interval == "1d" || query.IntradayMinutes > 0)
        {
            return date;
        }

        var key = date;
        foreach (var row in rows)
        {
            if (row.DayNumber > day)
            {
                break;
            }

            key = row.Timestamp;
        }

        return key;
    }
}
