namespace StockData.YahooSim.Chart;

/// <summary>A complete response: status, content type and the exact bytes.</summary>
internal sealed record ChartBody(int Status, string ContentType, byte[] Bytes)
{
    public const string Json = "application/json;charset=utf-8";
}
