namespace StockData.YahooSim.Chart;

/// <summary>One row of a chart response; <see cref="IsNull"/> rows are written with every field null (Yahoo's all-null rows).</summary>
internal struct ChartRow
{
    public long Timestamp;
    public double Open;
    public double High;
    public double Low;
    public double Close;
    public double? AdjClose;
    public long Volume;
    public bool IsNull;
    public int DayNumber;
}
