namespace StockData.YahooSim.Chart;

/// <summary>A dividend (<see cref="Numerator"/> 0) or a split, keyed as Yahoo keys it (the bar's stamp, which for weekly and longer bars differs from <see cref="Date"/>).</summary>
internal readonly record struct ChartEvent(long Key, long Date, double Amount, int Numerator, int Denominator);
