namespace StockData.Core;

/// <summary>
/// A bar as <see cref="PriceAdjuster.Scale"/> leaves it: each value multiplied by its factor, not yet rounded, and which
/// of them were. <see cref="Rounded"/> is what <see cref="PriceAdjuster.Apply"/> returns; a CSV writer can instead format
/// the scaled values to <see cref="PriceAdjuster.SignificantDigits"/> straight away (one scaling for both the rounding
/// and the digits), and write the same bytes.
/// </summary>
/// <param name="Values">The bar, its scaled values unrounded.</param>
/// <param name="PricesScaled">Open, high, low and close were multiplied (else they are the stored ones).</param>
/// <param name="AdjCloseScaled">adj_close was divided by a split (Yahoo's own column already carries the cash).</param>
public readonly record struct ScaledBar(Bar Values, bool PricesScaled, bool AdjCloseScaled)
{
    /// <summary>A bar no factor touched.</summary>
    public static ScaledBar Unscaled(in Bar bar) => new(bar, false, false);

    /// <summary>The bar with each scaled value rounded to <see cref="PriceAdjuster.SignificantDigits"/> significant digits.</summary>
    public Bar Rounded()
    {
        if (!PricesScaled && !AdjCloseScaled)
        {
            return Values;
        }

        var bar = Values;
        return bar with
        {
            Open = PricesScaled ? PriceAdjuster.Significant(bar.Open) : bar.Open,
            High = PricesScaled ? PriceAdjuster.Significant(bar.High) : bar.High,
            Low = PricesScaled ? PriceAdjuster.Significant(bar.Low) : bar.Low,
            Close = PricesScaled ? PriceAdjuster.Significant(bar.Close) : bar.Close,
            AdjClose = AdjCloseScaled && bar.AdjClose is { } adjClose ? PriceAdjuster.Significant(adjClose) : bar.AdjClose,
        };
    }
}
