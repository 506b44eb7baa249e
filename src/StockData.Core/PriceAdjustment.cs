namespace StockData.Core;

/// <summary>How stored prices are adjusted on read (the bars endpoint's and verb's <c>adjust</c>).</summary>
public enum PriceAdjustment
{
    /// <summary>The stored values as they are.</summary>
    None,

    /// <summary>Prices divided, volumes multiplied by the splits after each bar that the stored values predate.</summary>
    Splits,

    /// <summary><see cref="Splits"/>, and prices scaled for every later dividend and capital gain the way Yahoo derives adjclose.</summary>
    All,
}

/// <summary>The <c>adjust</c> parameter's spelling of <see cref="PriceAdjustment"/>.</summary>
public static class PriceAdjustments
{
    public static IReadOnlyList<string> Tokens { get; } = ["none", "splits", "all"];

    public static bool TryParse(string? token, out PriceAdjustment adjustment)
    {
        adjustment = token switch
        {
            "none" => PriceAdjustment.None,
            "splits" => PriceAdjustment.Splits,
            "all" => PriceAdjustment.All,
            _ => (PriceAdjustment)(-1),
        };
        return Enum.IsDefined(adjustment);
    }

    public static string Token(this PriceAdjustment adjustment) => Tokens[(int)adjustment];
}
