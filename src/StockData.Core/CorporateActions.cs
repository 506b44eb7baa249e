namespace StockData.Core;

/// <summary>A cash dividend; <see cref="ExDate"/> is the exchange-local date of the event's own <c>date</c> field.</summary>
public readonly record struct Dividend(DateTimeOffset Timestamp, DateOnly ExDate, double Amount);

/// <summary>A split of <see cref="Numerator"/> new shares for <see cref="Denominator"/> old ones (4:1 → 4, 1).</summary>
public readonly record struct Split(DateTimeOffset Timestamp, DateOnly ExDate, double Numerator, double Denominator)
{
    public double Ratio => Numerator / Denominator;
}

/// <summary>A capital-gain distribution (funds).</summary>
public readonly record struct CapitalGain(DateTimeOffset Timestamp, DateOnly ExDate, double Amount);
