namespace StockData.Core;

/// <summary>
/// A split as <see cref="PriceAdjuster"/> uses it: its ex-date, its ratio (new shares per old: 4:1 → 4, 1:8 → 0.125)
/// and <paramref name="EffectiveAt"/>, the start of the ex-date's session. Yahoo back-adjusts a symbol's whole history
/// from then on, so values fetched at or after that time already reflect the split and only values written before it
/// are divided.
/// </summary>
public readonly record struct SplitAdjustment(DateOnly ExDate, double Ratio, DateTimeOffset EffectiveAt);

/// <summary>
/// Cash paid per share on an ex-date (dividends plus capital gains) and the close of the last bar before it: together
/// they give the multiplier <c>1 − amount / previous close</c> of every earlier price. Each value carries when it was
/// written (null: before every split), because Yahoo restates both in today's shares after a split and the store may
/// hold one restated and the other not: <see cref="PriceAdjuster"/> brings both to the same shares first.
/// </summary>
/// <param name="PreviousClose">NaN when no bar precedes the ex-date (nothing to scale).</param>
public readonly record struct CashAdjustment(
    DateOnly ExDate,
    double Amount,
    double PreviousClose,
    DateOnly PreviousDate,
    DateTimeOffset? AmountWrittenAt = null,
    DateTimeOffset? PreviousCloseWrittenAt = null)
{
    /// <summary>A payment whose amount and previous close are in the same shares (the hand-computed cases).</summary>
    public CashAdjustment(DateOnly exDate, double amount, double previousClose)
        : this(exDate, amount, previousClose, exDate.AddDays(-1))
    {
    }
}
