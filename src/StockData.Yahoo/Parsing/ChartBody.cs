namespace StockData.Yahoo.Parsing;

/// <summary>
/// Everything one pass over a chart body collected, raw: the error object, the meta fields kept, the columns and
/// the events. Rules R2–R12 are applied afterwards by <see cref="ChartResultBuilder"/>, because the keys can come in
/// any order (the time zone may follow the timestamps). One instance per parse: its columns rent their arrays from
/// <see cref="System.Buffers.ArrayPool{T}"/> and give them back on <see cref="Return"/>, which is where the garbage was;
/// the object itself is a few hundred bytes, so a per-thread cache of it (process-wide state) bought nothing measurable.
/// </summary>
public sealed class ChartBody
{
    /// <summary>The cell written for a JSON null in a price column: a NaN with a payload no arithmetic produces.</summary>
    public static readonly double NullPrice = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0B0D);

    /// <summary>The cell written for a price that is not a finite number ("NaN", "Infinity", a string, an overflow).</summary>
    public const double NonFinitePrice = double.PositiveInfinity;

    /// <summary>The cell written for a missing volume; no real volume is <see cref="long.MinValue"/>.</summary>
    public const long NullVolume = long.MinValue;

    public PooledColumn<long> Timestamps;
    public PooledColumn<double> Open;
    public PooledColumn<double> High;
    public PooledColumn<double> Low;
    public PooledColumn<double> Close;
    public PooledColumn<long> Volume;

    /// <summary>adjclose cells, coded like the price columns; anything but a finite number becomes a null adj close (R5).</summary>
    public PooledColumn<double> AdjClose;

    public bool HasErrorObject { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorDescription { get; set; }

    /// <summary>True when <c>chart.result</c> held an object to read.</summary>
    public bool HasResult { get; set; }

    /// <summary>The first structural problem seen (wrong token where the schema fixes one); the body is then malformed.</summary>
    public string? ShapeProblem { get; private set; }

    public string? Currency { get; set; }
    public string? Symbol { get; set; }
    public string? ExchangeName { get; set; }
    public string? InstrumentType { get; set; }
    public string? ExchangeTimezoneName { get; set; }
    public string? DataGranularity { get; set; }
    public long? FirstTradeDate { get; set; }
    public long? RegularMarketTime { get; set; }
    public long? RegularSessionEnd { get; set; }

    public List<RawEvent>? Dividends { get; set; }
    public List<RawEvent>? Splits { get; set; }
    public List<RawEvent>? CapitalGains { get; set; }

    public static ChartBody Rent() => new();

    /// <summary>Gives the columns' arrays back to the pool; the body is not used again.</summary>
    public static void Return(ChartBody body) => body.Reset();

    public void AddShapeProblem(string problem) => ShapeProblem ??= problem;

    private void Reset()
    {
        Timestamps.Reset();
        Open.Reset();
        High.Reset();
        Low.Reset();
        Close.Reset();
        Volume.Reset();
        AdjClose.Reset();
        HasErrorObject = false;
        ErrorCode = null;
        ErrorDescription = null;
        HasResult = false;
        ShapeProblem = null;
        Currency = null;
        Symbol = null;
        ExchangeName = null;
        InstrumentType = null;
        ExchangeTimezoneName = null;
        DataGranularity = null;
        FirstTradeDate = null;
        RegularMarketTime = null;
        RegularSessionEnd = null;
        Dividends = null;
        Splits = null;
        CapitalGains = null;
    }
}
