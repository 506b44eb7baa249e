namespace StockData.YahooSim.Chart;

/// <summary>Per-request state for the drop faults: the symbol's request number, and what was dropped.</summary>
internal sealed class RequestDraw(long requestNumber)
{
    public long RequestNumber { get; } = requestNumber;

    public int DroppedDates { get; set; }

    public int DroppedDividends { get; set; }
}
