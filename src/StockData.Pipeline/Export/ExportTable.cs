using StockData.Storage.Postgres.Export;

namespace StockData.Pipeline.Export;

/// <summary>
/// One row group's worth of rows in typed column buffers. A file is written a row group at a time, so memory stays
/// at one group whatever the file's size.
/// </summary>
internal sealed class ExportTable(params ExportColumn[] columns)
{
    /// <summary>
    /// Rows per Parquet row group (and per CSV flush): 64 Ki rows of bars are about 4 MB of buffers, small enough for
    /// constant memory and large enough for readers to skip groups by their statistics.
    /// </summary>
    public const int RowGroupRows = 65_536;

    public IReadOnlyList<ExportColumn> Columns { get; } = columns;

    public int Count { get; set; }

    public bool IsFull => Count == RowGroupRows;
}

/// <summary>The three tables an export writes: bars, corporate actions (events) and symbol metadata.</summary>
internal static class ExportTables
{
    /// <summary>Bars: <c>symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume</c> (as <c>GET /bars</c>'s CSV).</summary>
    public sealed class Bars
    {
        public readonly TextColumn Symbol = new("symbol", ExportTable.RowGroupRows, dictionary: true);
        public readonly TextColumn Interval = new("interval", ExportTable.RowGroupRows, dictionary: true);
        public readonly TimestampColumn Ts = new("ts", ExportTable.RowGroupRows);
        public readonly DateColumn TradeDate = new("trade_date", ExportTable.RowGroupRows);
        public readonly DoubleColumn Open = new("open", ExportTable.RowGroupRows, false);
        public readonly DoubleColumn High = new("high", ExportTable.RowGroupRows, false);
        public readonly DoubleColumn Low = new("low", ExportTable.RowGroupRows, false);
        public readonly DoubleColumn Close = new("close", ExportTable.RowGroupRows, false);
        public readonly DoubleColumn AdjClose = new("adj_close", ExportTable.RowGroupRows, true);
        public readonly Int64Column Volume = new("volume", ExportTable.RowGroupRows);

        public Bars() => Table = new ExportTable(Symbol, Interval, Ts, TradeDate, Open, High, Low, Close, AdjClose, Volume);

        public ExportTable Table { get; }

        public void Add(in SymbolBar row, string interval)
        {
            var i = Table.Count++;
            var bar = row.Bar;
            Symbol.Values[i] = row.Symbol;
            Interval.Values[i] = interval;
            Ts.Plain[i] = bar.Timestamp.UtcDateTime;
            TradeDate.Values[i] = bar.TradeDate;
            Open.Set(i, bar.Open);
            High.Set(i, bar.High);
            Low.Set(i, bar.Low);
            Close.Set(i, bar.Close);
            AdjClose.Values[i] = bar.AdjClose;
            Volume.Values[i] = bar.Volume;
        }
    }

    /// <summary>
    /// <see cref="Bars"/> filled straight from the store's reader (<see cref="BarExportReader.CopyAsync"/>), a row group
    /// written whenever the buffers fill.
    /// </summary>
    public sealed class BarsSink(Bars bars, ExportFileWriter writer, string interval, ExportProgress progress) : IBarExportSink
    {
        public bool IsFull => bars.Table.IsFull;

        public void Add(string symbol, DateTime ts, DateOnly tradeDate, double open, double high, double low, double close, double? adjClose, long? volume)
        {
            var i = bars.Table.Count++;
            bars.Symbol.Values[i] = symbol;
            bars.Interval.Values[i] = interval;
            bars.Ts.Plain[i] = ts;
            bars.TradeDate.Values[i] = tradeDate;
            bars.Open.Plain[i] = open;
            bars.High.Plain[i] = high;
            bars.Low.Plain[i] = low;
            bars.Close.Plain[i] = close;
            bars.AdjClose.Values[i] = adjClose;
            bars.Volume.Values[i] = volume;
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            var rows = bars.Table.Count;
            await writer.FlushAsync(cancellationToken);
            progress.Rows(rows);
        }
    }

    /// <summary>Events: <c>symbol,type,ex_date,ts,amount,numerator,denominator</c>; type is dividend, split or capital_gain.</summary>
    public sealed class Events
    {
        public readonly TextColumn Symbol = new("symbol", ExportTable.RowGroupRows, dictionary: true);
        public readonly TextColumn Type = new("type", ExportTable.RowGroupRows, dictionary: true);
        public readonly DateColumn ExDate = new("ex_date", ExportTable.RowGroupRows);
        public readonly TimestampColumn Ts = new("ts", ExportTable.RowGroupRows);
        public readonly DoubleColumn Amount = new("amount", ExportTable.RowGroupRows, true);
        public readonly DoubleColumn Numerator = new("numerator", ExportTable.RowGroupRows, true);
        public readonly DoubleColumn Denominator = new("denominator", ExportTable.RowGroupRows, true);

        public Events() => Table = new ExportTable(Symbol, Type, ExDate, Ts, Amount, Numerator, Denominator);

        public ExportTable Table { get; }

        public void Add(in ExportEvent e)
        {
            var i = Table.Count++;
            Symbol.Values[i] = e.Symbol;
            Type.Values[i] = e.Type;
            ExDate.Values[i] = e.ExDate;
            Ts.Plain[i] = e.Timestamp.UtcDateTime;
            Amount.Values[i] = e.Amount;
            Numerator.Values[i] = e.Numerator;
            Denominator.Values[i] = e.Denominator;
        }
    }

    /// <summary>Symbol metadata: <c>symbol,currency,instrument_type,exchange,timezone,first_trade_date,status</c>.</summary>
    public sealed class Symbols
    {
        public readonly TextColumn Symbol = new("symbol", ExportTable.RowGroupRows, dictionary: true);
        public readonly TextColumn Currency = new("currency", ExportTable.RowGroupRows, true);
        public readonly TextColumn InstrumentType = new("instrument_type", ExportTable.RowGroupRows, true);
        public readonly TextColumn Exchange = new("exchange", ExportTable.RowGroupRows, true);
        public readonly TextColumn Timezone = new("timezone", ExportTable.RowGroupRows, true);
        public readonly TimestampColumn FirstTradeDate = new("first_trade_date", ExportTable.RowGroupRows, true);
        public readonly TextColumn Status = new("status", ExportTable.RowGroupRows);

        public Symbols() => Table = new ExportTable(Symbol, Currency, InstrumentType, Exchange, Timezone, FirstTradeDate, Status);

        public ExportTable Table { get; }

        public void Add(ExportSymbol s)
        {
            var i = Table.Count++;
            Symbol.Values[i] = s.Symbol;
            Currency.Values[i] = s.Currency;
            InstrumentType.Values[i] = s.InstrumentType;
            Exchange.Values[i] = s.Exchange;
            Timezone.Values[i] = s.Timezone;
            FirstTradeDate.Values[i] = s.FirstTradeDate?.UtcDateTime;
            Status.Values[i] = s.Status;
        }
    }
}
